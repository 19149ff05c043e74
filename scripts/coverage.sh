#!/usr/bin/env bash
# Regenerates gaap-emulator/tests/answered.json and gaap-emulator/COVERAGE.md from behaviour:
# runs the whole test suite with every emulator recording its answers (GAAP_EMULATOR_ANSWERS),
# then writes the union of the records and the table made from it and the model.
#
#     scripts/coverage.sh
#
# The coverage checks themselves are skipped in the recording run (they compare with the files
# being regenerated). CI runs the same recording and then checks that every state error the
# committed record counts as answered by a test was answered by one in that run (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

dir="$PWD/target/emulator-answers"
rm -rf "$dir"
GAAP_EMULATOR_ANSWERS="$dir" cargo test --workspace -- \
    --skip coverage_md_is_made_from_the_model_and_the_answers \
    --skip every_state_error_of_the_model_was_answered_by_a_test \
    --skip every_action_is_called_by_a_test_of_its_own
UPDATE_COVERAGE=1 COVERAGE_FROM="$dir" cargo test -p gaap-emulator --test coverage -- \
    coverage_md_is_made_from_the_model_and_the_answers
echo "wrote gaap-emulator/tests/answered.json and gaap-emulator/COVERAGE.md from $(ls "$dir" | wc -l) records"
# The checks, on what was just written.
COVERAGE_FROM="$dir" cargo test -p gaap-emulator --test coverage
