using Judge.Worker;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddJudgeWorker();
builder.Build().Run();
