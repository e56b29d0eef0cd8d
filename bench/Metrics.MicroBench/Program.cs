using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Metrics.MicroBench.IngestPathBenchmarks).Assembly).Run(args);
