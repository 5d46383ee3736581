# The two set-up commands of the README. Each installs what it needs first.
.PHONY: demo test deps build-release build-debug clean

deps:
	bash scripts/install-deps

build-release: deps
	cmake --preset release
	cmake --build --preset release

demo: build-release
	bash scripts/demo build/release/tools/activ/activ

test: deps
	cmake --workflow --preset debug

clean:
	rm -rf build
