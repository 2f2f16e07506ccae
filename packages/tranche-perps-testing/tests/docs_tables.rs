//! The docs' parameter tables are the bounds constants the contracts validate with.

use tranche_perps_testing::docs::{fill, repo_root, sections};

#[test]
fn docs_parameter_tables_match_the_bounds() {
    for section in sections() {
        let path = repo_root().join(section.page);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", section.page));
        let filled = fill(&text, section.name, &section.content)
            .unwrap_or_else(|| panic!("{}: no generated:{} markers", section.page, section.name));
        assert!(
            filled == text,
            "{}: the {} table differs from the bounds; run `cargo run -p tranche-perps-testing --bin docs-tables`",
            section.page,
            section.name
        );
    }
}

#[test]
fn fill_replaces_only_between_the_markers() {
    let page = "a\n<!-- generated:x -->\nold\n<!-- /generated -->\nb\n";
    assert_eq!(
        fill(page, "x", "new\n").as_deref(),
        Some("a\n<!-- generated:x -->\nnew\n<!-- /generated -->\nb\n")
    );
    assert_eq!(fill(page, "y", "new\n"), None);
}
