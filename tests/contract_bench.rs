//! The contract benchmark (`scripts/bench-contract.sh`): a full run of each seed spec against the
//! stateful mock, next to schemathesis on the same spec. Ignored by default: it is a measurement,
//! not a test, and schemathesis is not part of the test environment.

use specgen_kit::contract::bench;
use specgen_tests::spec_apis;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement; run it with scripts/bench-contract.sh"]
async fn contract_runner_next_to_schemathesis() {
    let st = bench::find_schemathesis();
    let scratch = specgen_tests::scratch_dir("contract-bench");
    let rows = bench::compare(&spec_apis(), st.as_deref(), &scratch)
        .await
        .unwrap();
    println!("{}", bench::markdown(&rows));
    for row in &rows {
        assert!(row.requests >= row.operations, "{row:?}");
    }
}
