//! `.ci/run` runs exactly the test command the README gives users.

use std::fs;
use std::path::Path;

#[test]
fn ci_runs_the_readme_test_command() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let ci = fs::read_to_string(root.join(".ci/run")).unwrap();
    let documented = readme
        .lines()
        .find(|l| l.starts_with("cargo test") && l.contains("# run the tests"))
        .and_then(|l| l.split('#').next())
        .map(str::trim)
        .expect("README's two commands give the test command");
    let run: Vec<&str> = ci
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("cargo "))
        .collect();
    assert_eq!(run, [documented], "cargo commands in .ci/run");
    // The tests reuse the build of `cargo run --release`.
    assert!(documented.contains("--release"), "{documented}");
}
