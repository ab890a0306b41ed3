import json

results = []

def check(name, points, test):
    try:
        passed, output = test(), ""
    except Exception as e:
        passed, output = False, f"{type(e).__name__}: {e}"
    if not passed and not output:
        output = "wrong result"
    results.append({"name": name, "score": points if passed else 0, "max_score": points, "output": output})

try:
    import solution
except Exception as e:
    solution = None
    results.append({"name": "import", "score": 0, "max_score": 0, "output": f"{type(e).__name__}: {e}", "status": "failed"})

if solution is not None:
    check("add", 2, lambda: solution.add(2, 3) == 5)
    check("mul", 3, lambda: solution.mul(2, 3) == 6)
    check("mul of negatives", 1, lambda: solution.mul(-2, -3) == 6)

with open("results.json", "w") as f:
    json.dump({"tests": results}, f)
