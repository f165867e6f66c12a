# Lumbung: two commands on a fresh machine.
#   make demo   seeds the 2018 Mataram scenario into ./lumbung-demo and serves it on http://127.0.0.1:8080
#   make test   installs what is missing, builds, and runs every test
.PHONY: deps build test test-fuzz demo bench clean

deps:
	./Scripts/install-deps.sh

build: deps
	swift build

test: deps
	swift build --build-tests
	swift test --skip-build
	python3 -m pytest -q Tests/python

# Schemathesis alone, with another seed and more examples per operation than `make test` uses:
#   make test-fuzz SEED=7 EXAMPLES=100
SEED ?= 20180805
EXAMPLES ?= 20
test-fuzz: build
	LUMBUNG_SCHEMATHESIS_SEED=$(SEED) LUMBUNG_SCHEMATHESIS_EXAMPLES=$(EXAMPLES) python3 -m pytest -q Tests/python/test_openapi.py

demo:
	LUMBUNG_FULL_DEPS=0 ./Scripts/install-deps.sh
	swift build -c release --product lumbung
	.build/release/lumbung demo --data-dir ./lumbung-demo

bench: deps
	cd Benchmarks && swift package --disable-sandbox benchmark
	./Benchmarks/compare.sh

clean:
	rm -rf .build lumbung-demo
