# The two set-up commands of the README. Each installs what it needs first.
.PHONY: demo test deps build-release build-debug clean

deps:
	bash scripts/install-deps

build-release: deps
	cmake --preset release
	cmake --build --preset release

# The demo needs only the CLI: building just that target keeps `make demo` (install,
# build, demo, report) within two minutes on 2 cores; `make test` builds everything.
demo: deps
	cmake --preset release
	cmake --build --preset release --target activ_cli
	bash scripts/demo build/release/tools/activ/activ

test: deps
	cmake --workflow --preset debug

clean:
	rm -rf build

# ---- benchmarks and the exhaustive accuracy sweep (docs/performance.md, docs/accuracy.md) ----
.PHONY: bench verify build-bench

# Installs the peers (oneDNN, libtorch, XNNPACK), builds the harness in build/bench, runs
# activ, the peers and the copies in one process, and writes docs/performance.md and
# docs/results/performance.json. Takes about half an hour on 2 cores.
build-bench: deps
	bash bench/install-peers
	cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DACTIV_BUILD_BENCH=ON
	cmake --build build/bench -j2 --target activ_cli activ_bench activ_bench_peers

bench: build-bench
	python3 bench/run_bench.py --bin build/bench/bench/activ_bench_peers

# activ verify --exhaustive for every unqualified entry: docs/results/verify.json and the
# table in docs/accuracy.md. About an hour on 2 threads for all 31 entries (the 22 smooth ones
# took 38 minutes; docs/accuracy.md, "Exhaustive sweep").
verify: deps
	cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DACTIV_BUILD_BENCH=ON
	cmake --build build/bench -j2 --target activ_cli
	python3 scripts/verify_all.py --activ build/bench/tools/activ/activ --exhaustive
