//! `git cadence report --format html` and the terminal pictures: every chart is on the page,
//! the page fetches nothing, repository text stays text, and headless Chromium draws it as a
//! picture. Sparklines and bars show only with colour on and a UTF-8 locale.
//!
//! The Chromium test needs `chromium` (or `chromium-browser`, or the binary named by
//! `GIT_CADENCE_CHROMIUM`) on PATH; `.ci/run` installs it. Set `GIT_CADENCE_SKIP_CHROMIUM=1`
//! to skip that one test on a machine without it; without the variable a missing Chromium
//! fails the test, so CI cannot skip it silently.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::check::TestRepo;
use crate::common::{cadence, cadence_cmd, fixture, text};

/// The charts the page must hold, by `id`.
const CHARTS: [&str; 5] = [
    "chart-sizes",
    "chart-quartiles",
    "chart-remedy",
    "chart-cadence",
    "chart-repeats",
];

fn html_of(repo: &Path) -> String {
    let out = cadence(repo, &["report", "--format", "html"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    stdout
}

/// Text between `<figure ... id="ID"` and its `</figure>`.
fn figure<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no chart {id}"));
    let end = page[start..].find("</figure>").expect("figure closes") + start;
    &page[start..end]
}

#[test]
fn the_page_holds_the_headline_the_numbers_every_chart_and_the_release_table() {
    let page = html_of(&fixture("reverts/make.sh"));
    assert!(
        page.starts_with("<!DOCTYPE html><html lang=\"en\">"),
        "{page}"
    );
    assert!(page.contains("<p class=\"headline\">"));
    assert!(page.contains("<section class=\"numbers\""));
    for id in CHARTS {
        let f = figure(&page, id);
        // Title, one-line reading, an SVG image with a title and a text alternative, axes
        // with titles, a legend.
        assert!(f.contains("<h2>"), "{id}");
        assert!(f.contains("<p class=\"reading\">"), "{id}");
        assert!(f.contains("<svg role=\"img\""), "{id}");
        assert!(f.contains(&format!("<desc id=\"{id}-d\">")), "{id}");
        assert!(f.contains("<text class=\"title\""), "{id}: axis titles");
        assert!(f.contains("<figcaption class=\"legend\">"), "{id}");
    }
    // Marks are drawn: release markers on the size chart, one bar per quartile.
    assert!(
        figure(&page, "chart-sizes")
            .matches("class=\"st0 clean\"")
            .count()
            >= 5
    );
    let quartile_svg = figure(&page, "chart-quartiles")
        .split("</svg>")
        .next()
        .unwrap_or_default();
    assert_eq!(quartile_svg.matches("class=\"bar q-rate\"").count(), 4);
    // The failed releases carry the revert mark.
    assert!(figure(&page, "chart-sizes").contains("class=\"sig-revert\""));
    assert!(page.contains("<section class=\"releases\"><h2>Releases</h2>"));
    assert!(page.contains("<td>v1.1.0</td>"));
}

#[test]
fn the_page_fetches_nothing_and_needs_no_script() {
    let page = html_of(&fixture("reverts/make.sh"));
    let lower = page.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "no script");
    assert!(!lower.contains("@import"));
    assert!(!lower.contains("<link"), "no linked stylesheet");
    assert!(!lower.contains("<img"), "no images to load");
    for attr in ["src=", "href="] {
        assert!(!lower.contains(attr), "no {attr}");
    }
    // Every url( in CSS or SVG points inside the page (`url(#pattern)`).
    for (i, _) in lower.match_indices("url(") {
        assert!(lower[i..].starts_with("url(#"), "{}", &page[i..i + 40]);
    }
    assert!(!lower.contains("http://") && !lower.contains("https://"));
}

/// A tag prefix that would close an attribute and open an element (git allows `"`, `<`, `>`,
/// `/` and `=` in tag names, not spaces).
const TAG: &str = "\"><svg/onload=alert(1)>";

/// A repository whose tags, paths and messages hold HTML.
fn hostile_repo() -> TestRepo {
    let mut repo = TestRepo::new();
    let path = "src/<script>alert(1)<\\script>/a&b.rs";
    repo.commit(path, &TestRepo::lines(10, "a"), "Initial");
    repo.git(&["tag", &format!("{TAG}-v1.0.0")]);
    let bad = repo.commit(
        path,
        &TestRepo::lines(14, "a"),
        "Add \"><svg onload=alert(1)> for @octocat",
    );
    repo.git(&["tag", &format!("{TAG}-v1.1.0")]);
    repo.commit("src/main.rs", &TestRepo::lines(3, "main"), "Main");
    repo.git(&["revert", "--no-edit", &bad]);
    repo.git(&["tag", &format!("{TAG}-v1.2.0")]);
    std::fs::write(
        repo.root.join(".git-cadence.toml"),
        "tag_pattern = '-v(?P<version>\\d+\\.\\d+\\.\\d+)$'\n",
    )
    .expect("write");
    repo
}

#[test]
fn repository_text_stays_text() {
    let repo = hostile_repo();
    let page = html_of(&repo.root);
    let lower = page.to_ascii_lowercase();
    for raw in ["<script", "<svg/onload", "<svg onload", "onload=alert(1)>-"] {
        assert!(!lower.contains(raw), "raw `{raw}` in the page");
    }
    // The text is shown, escaped: the tag in the table and on the chart's marks, the
    // component among the most-hit ones.
    let shown = "&quot;&gt;&lt;svg/onload=alert(1)&gt;-v1.2.0";
    assert!(page.contains(&format!("<td>{shown}</td>")), "{page}");
    assert!(figure(&page, "chart-sizes").contains(shown));
    assert!(figure(&page, "chart-repeats").contains("src/&lt;script&gt;alert(1)&lt;\\script&gt;"));
}

#[test]
fn html_is_the_report_s_format_only() {
    let repo = fixture("releases.sh");
    for command in ["releases", "reverts", "check"] {
        let out = cadence(&repo, &[command, "--format", "html"]);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{command}: {stderr}");
        // Refused before any work: by the command line, whose formats per command leave
        // html out, naming the value it refuses.
        assert!(stderr.contains("'html'"), "{stderr}");
        let help = text(&cadence(&repo, &[command, "--help"])).0;
        assert!(
            !help.contains("html"),
            "{command} --help offers html:\n{help}"
        );
    }
    let help = text(&cadence(&repo, &["report", "--help"])).0;
    assert!(help.contains("--format html"), "{help}");
}

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

fn terminal_report(args: &[&str], env: &[(&str, &str)]) -> String {
    let repo = fixture("reverts/make.sh");
    let mut cmd = cadence_cmd(&repo, args);
    cmd.envs(env.iter().copied());
    let out = cmd.output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn sparklines_and_bars_need_colour_and_a_utf8_locale() {
    let with = terminal_report(&["--color", "always"], &[("LANG", "en_US.UTF-8")]);
    let sizes = with
        .lines()
        .find(|l| l.starts_with("  sizes "))
        .expect("a size sparkline");
    assert!(sizes.chars().any(|c| SPARKS.contains(&c)), "{sizes}");
    assert!(with.lines().any(|l| l.starts_with("  intervals ")));
    assert!(
        with.lines()
            .any(|l| l.starts_with("  Q") && l.contains('█')),
        "a bar for the failure rate:\n{with}"
    );
    // Colour off (flag, or NO_COLOR with auto, or a pipe with auto), or no UTF-8: plain text.
    for (args, env) in [
        (&["--color", "never"][..], &[("LANG", "en_US.UTF-8")][..]),
        (&[][..], &[("LANG", "en_US.UTF-8"), ("NO_COLOR", "1")][..]),
        (&[][..], &[("LANG", "en_US.UTF-8")][..]),
        (&["--color", "always"][..], &[("LANG", "C")][..]),
        (
            &["--color", "always"][..],
            &[("LC_ALL", "C"), ("LANG", "en_US.UTF-8")][..],
        ),
    ] {
        let plain = terminal_report(args, env);
        assert!(
            !plain.chars().any(|c| SPARKS.contains(&c)),
            "{args:?} {env:?}:\n{plain}"
        );
    }
}

/// The Chromium binary, or `None` when the test may be skipped.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("GIT_CADENCE_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file());
    if found.is_none() && std::env::var_os("GIT_CADENCE_SKIP_CHROMIUM").is_some() {
        eprintln!("GIT_CADENCE_SKIP_CHROMIUM is set and Chromium is missing: skipped");
        return None;
    }
    Some(found.expect(
        "Chromium is not installed (apt-get install chromium; .ci/run does it); set \
         GIT_CADENCE_SKIP_CHROMIUM=1 to skip this test on purpose",
    ))
}

#[test]
fn headless_chromium_draws_the_page_as_a_picture() {
    let Some(browser) = chromium() else { return };
    let page = html_of(&fixture("reverts/make.sh"));
    let dir = tempfile::tempdir().expect("temp dir");
    let html = dir.path().join("report.html");
    std::fs::write(&html, page).expect("write page");
    let png = dir.path().join("shot.png");
    let out = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1000,2400")
        .arg(format!("file://{}", html.display()))
        .env("HOME", dir.path())
        .output()
        .expect("run chromium");
    assert!(
        png.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png).expect("open png"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a frame");
    assert_eq!((info.width, info.height), (1000, 2400));
    let channels = info.color_type.samples();
    assert!(channels >= 3, "{:?}", info.color_type);
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let colours: std::collections::HashSet<[u8; 3]> =
        pixels.iter().map(|p| [p[0], p[1], p[2]]).collect();
    let inked = pixels.iter().filter(|p| p[..3] != [255, 255, 255]).count();
    // A blank or error page has a handful of colours; the charts' Okabe–Ito marks,
    // anti-aliased text and hatches give hundreds.
    assert!(colours.len() > 200, "{} colours", colours.len());
    let share = inked as f64 / pixels.len() as f64;
    assert!(
        share > 0.03,
        "only {:.1}% of pixels are not white",
        share * 100.0
    );
    // The Okabe–Ito blue of the bars is on the picture.
    assert!(colours.contains(&[0x00, 0x72, 0xB2]), "no chart bar colour");
}
