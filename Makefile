# twinstate — every target runs on the project's pinned Node 24 (installed into .toolchain/ when the
# machine's Node is older) and on a real Kafka broker that the project provisions itself.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
NODE_BIN := $(shell $(ROOT)/scripts/ensure-node.sh)
export PATH := $(NODE_BIN):$(ROOT)/node_modules/.bin:$(PATH)
# kafkajs 2.2.4 computes a negative timer on Node 24 (harmless); keep it out of every log.
export NODE_OPTIONS := --disable-warning=TimeoutNegativeWarning
JEST := node --experimental-vm-modules $(ROOT)/node_modules/jest/bin/jest.js
RUN_DIR := $(ROOT)/.run

.DEFAULT_GOAL := help
.PHONY: help deps bootstrap up down status test lint typecheck format proto proto-check proto-image eval-drift helm-check promtool-check verify-dashboards test-unit test-integration \
        kafka-up kafka-down kafka-logs topics bench bench-ref bench-ingest bench-kafka bench-assimilation clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 22

# npm ci only when the lock file changed since the last install.
node_modules/.twinstate-installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: node_modules/.twinstate-installed ## Install the pinned Node and the npm dependencies

bootstrap: ## Install everything the tests use (Node, npm deps, Kafka jars, Alertmanager, Prometheus, helm); idempotent
	scripts/bootstrap.sh

up: deps ## Start the local cluster: Kafka broker, topics, every service, demo telemetry
	scripts/cluster/up.sh

down: ## Stop everything `make up` started (topics and data are kept)
	scripts/cluster/down.sh

status: ## Show what `make up` started
	scripts/cluster/status.sh

test: bootstrap lint proto-check helm-check promtool-check test-unit test-integration ## Every test: lint, types, contracts, unit, integration
	@node scripts/test-summary.ts $(RUN_DIR)/jest-unit.json $(RUN_DIR)/jest-integration.json

lint: deps typecheck ## Biome lint + format check, and tsc
	biome check .

typecheck: deps
	tsc -p tsconfig.json --noEmit

format: deps ## Apply Biome formatting and safe fixes
	biome check --write .

proto: deps ## Regenerate protobuf-es code from proto/
	buf generate

proto-check: deps ## buf lint, buf breaking against the committed image, generated code up to date
	scripts/proto-check.sh

test-unit: deps
	@mkdir -p $(RUN_DIR)
	$(JEST) --selectProjects unit --json --outputFile=$(RUN_DIR)/jest-unit.json

test-integration: deps
	@mkdir -p $(RUN_DIR)
	$(JEST) --selectProjects integration --runInBand --json --outputFile=$(RUN_DIR)/jest-integration.json

helm-check: ## helm lint + template of helm/twinstate for the defaults and every ci/*-values.yaml (pinned helm)
	scripts/helm/check.sh

promtool-check: ## promtool: alert rules, their unit tests, Prometheus configs, every dashboard query parses
	scripts/promtool/check.sh

verify-dashboards: deps ## Live check: every Grafana panel query returns data from a real Prometheus scraping a demo cluster
	node test/e2e/verify-dashboards.ts

kafka-up: ## Start the local single-node KRaft broker on 127.0.0.1:9092
	scripts/kafka/start.sh

kafka-down: ## Stop the local broker
	scripts/kafka/stop.sh

kafka-logs: ## Follow the local broker's log
	tail -F .kafka/data-$${KAFKA_PORT:-9092}/server.log

topics: deps ## Create the design's topics on $$KAFKA_BROKERS (default 127.0.0.1:9092)
	node scripts/create-topics.ts

bench: deps ## Estimation benchmarks, one JSON line per case
	node bench/estimation/run.ts

bench-ref: deps ## Build and run the plain-C reference kernels and print our/C ratios
	node bench/estimation/compare.ts

bench-ingest: deps ## Ingest throughput vs a bare kafkajs pass-through and Kafka's own perf tools
	node bench/ingest/validator-throughput.ts
	node bench/ingest/service-throughput.ts

bench-kafka: deps ## The exactly-once TransactionalBatchProcessor vs a bare kafkajs pass-through
	node bench/kafka/processor-throughput.ts

bench-assimilation: deps ## Assimilation: engine, service with transactions vs kafkajs pass-through, latency, restore, bytes per twin
	node bench/assimilation/run.ts

clean: ## Remove installed dependencies and local run state (not the Kafka jars)
	rm -rf node_modules $(RUN_DIR)

proto-image: deps ## Rebuild proto/image.binpb after an intended contract change
	scripts/proto-image.sh

eval-drift: deps ## Drift detector evaluation: one JSON line per scenario (100 seeded runs each)
	node services/lib/drift-detectors/src/eval/run-eval.ts --runs 100 --twin all
