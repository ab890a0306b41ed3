# Judge. Two commands matter: `make run` (everything, locally) and `make test` (every test).
# The real work is in scripts/; this file only names it.

SHELL := /bin/bash
CONFIGURATION ?= Debug
export CONFIGURATION
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
# The C programs the sandbox tests run, compiled once and reused by the next test run and by the
# VM, where gcc is slow (tests/Shared/HostPrograms.cs).
export JUDGE_TEST_PROGRAM_CACHE ?= $(CURDIR)/artifacts/test-programs

.DEFAULT_GOAL := help
.PHONY: help build test test-vm run worker bench languages key key-revoke services services-stop services-status clean distclean

help:
	@echo "make run              start PostgreSQL, RabbitMQ, the Api (http://127.0.0.1:8080) and a Worker, restarting either if it dies"
	@echo "make worker           one more Worker against the services make run started (another terminal)"
	@echo "make test             start PostgreSQL and RabbitMQ, run every test project, then the sandbox's tests in a cgroup v2 VM"
	@echo "make test-vm          only the sandbox's tests in a VM: Debian 12's kernel, cgroup v2 alone (scripts/vm-test.sh)"
	@echo "make build            build the solution ($(CONFIGURATION))"
	@echo "make languages        install every language's toolchain with apt-get (scripts/languages.sh; about 3.4 GB)"
	@echo "make bench            run the benchmarks (bench/run.sh)"
	@echo "make key NAME=n [ADMIN=1]  create an API key (printed as the last line); make key-revoke NAME=n revokes it"
	@echo "make services         start only PostgreSQL and RabbitMQ"
	@echo "make services-stop    stop them"
	@echo "make services-status  say whether they run"
	@echo "make clean            remove build output and test results"
	@echo "make distclean        also stop the services and delete their data (.data/)"

build:
	dotnet build Judge.sln -c $(CONFIGURATION)

test:
	scripts/test.sh

languages:
	scripts/languages.sh

test-vm:
	scripts/vm-test.sh

run:
	scripts/run.sh

worker:
	scripts/run.sh worker

bench: build
	bash bench/run.sh

key:
	@test -n "$(NAME)" || { echo "usage: make key NAME=alice [ADMIN=1]" >&2; exit 2; }
	@scripts/key.sh create "$(NAME)" $(if $(filter 1 true yes,$(ADMIN)),--admin)

key-revoke:
	@test -n "$(NAME)" || { echo "usage: make key-revoke NAME=alice" >&2; exit 2; }
	@scripts/key.sh revoke "$(NAME)"

services:
	scripts/services.sh start

services-stop:
	scripts/services.sh stop

services-status:
	scripts/services.sh status

clean:
	dotnet clean Judge.sln -c $(CONFIGURATION) -v quiet
	rm -rf TestResults artifacts/vm-cgroup2 artifacts/test-programs

distclean: clean
	scripts/services.sh wipe
