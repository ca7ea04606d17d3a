# Petrel's front door. `make help` lists the targets.
SHELL := /bin/bash
NODE_MODULES := node_modules/.install-stamp

.PHONY: help install build run test check lint typecheck bench bench-store bench-store-floor soak clean bench-load bench-compare
# The load generator's young generation (as RocketMQ's benchmark scripts set the JVM's -Xmn): a
# window of thousands of in-flight sends otherwise survives every scavenge; and its old
# generation's first collection threshold, so no driver's run is paced by full collections of a
# small heap (docs/decisions.md, "mqbench heap").
MQBENCH_NODE_FLAGS ?= --max-semi-space-size=64 --initial-old-space-size=128

help:            ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(NODE_MODULES) ## install npm dependencies (npm ci)

build: install   ## compile TypeScript to dist/
	npx tsc -p tsconfig.json

run: build       ## install, build, and start a standalone NameServer + Broker with defaults
	node dist/src/cli/petrel.js standalone

test: build      ## install what the tests need and run the whole test suite
	@mkdir -p .tmp
	npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json; \
	status=$$?; node scripts/test-summary.mjs .tmp/vitest.json; exit $$status

check: install   ## type-check (sources and tests) and lint
	npx tsc -p tsconfig.test.json
	npx eslint .

typecheck: install ## type-check only
	npx tsc -p tsconfig.test.json

lint: install    ## lint only
	npx eslint .

bench: build     ## micro-benchmarks (tinybench); BENCH_LARGE=1 for the large inputs
	@for f in dist/bench/micro/*.bench.js; do echo "== $$f"; node $$f || exit 1; done

bench-store: build ## store append throughput vs the raw disk floor; ends with one JSON line
	node dist/bench/store/store.bench.js

bench-store-floor: build ## ceilings for bench-store's async1k/raw ratio: raw vs copy+write vs a bare ring pipeline
	node dist/bench/store/copy-floor.bench.js

bench-load: build ## OMB workloads through bin/mqbench: WORKLOADS=... DRIVERS=... (default: smoke on petrel-tcp)
	node $(MQBENCH_NODE_FLAGS) dist/src/cli/mqbench.js run $(or $(WORKLOADS),bench/load/workloads/smoke-1-topic-128b.yaml) \
	  --drivers $(or $(DRIVERS),bench/load/drivers/petrel-tcp.yaml)

bench-compare: build ## Petrel vs Redis Streams vs NATS JetStream on loopback; ends with one JSON line
	@command -v redis-server >/dev/null && command -v nats-server >/dev/null || \
	  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server nats-server; }
	node $(MQBENCH_NODE_FLAGS) dist/src/cli/mqbench.js compare $(COMPARE_ARGS)

soak: build      ## WebSocket soak over uWS (in-process server, then a real bin/mqbroker), every CRC checked; JSON lines
	node dist/bench/soak/ws-soak.js
	node dist/bench/soak/broker-ws-soak.js

clean:           ## remove build output
	rm -rf dist
