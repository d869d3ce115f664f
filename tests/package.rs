//! The crate as a dependent gets it: `cargo package` makes the `.crate`, a throwaway app crate
//! in a temporary directory (outside this repo and its workspace) depends on the unpacked
//! `.crate` by path, is built for `wasm32-unknown-unknown` and run through wasm-bindgen, whose
//! output must carry the two JavaScript snippets the Rust API imports.
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the command runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

const APP: &str = r#"
use wasm_bindgen::prelude::*;

#[derive(Debug)]
struct Oops;
impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}
impl std::error::Error for Oops {}

#[wasm_bindgen(start)]
pub fn start() {
    let _guard = tattle::init(tattle::ClientOptions {
        dsn: Some("https://key@o0.ingest.example.com/42".into()),
        ..Default::default()
    });
    log::set_boxed_logger(Box::new(tattle::integrations::log::TattleLogger::new())).ok();
    tattle::capture_error(&Oops);
}
"#;

#[test]
fn a_crate_outside_the_repo_builds_on_the_packaged_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = std::env::temp_dir().join(format!("tattle-dependent-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    // Its own target dir: cargo test holds the workspace's.
    let package_target = work.join("package-target");
    run(Command::new(env!("CARGO"))
        .args(["package", "--no-verify", "--allow-dirty", "--target-dir"])
        .arg(&package_target)
        .current_dir(root));
    let version = env!("CARGO_PKG_VERSION");
    let crate_file = package_target.join(format!("package/tattle-{version}.crate"));
    run(Command::new("tar")
        .arg("xzf")
        .arg(&crate_file)
        .arg("-C")
        .arg(&work));
    let unpacked = work.join(format!("tattle-{version}"));
    assert!(
        unpacked.join("www-min/delivery.js").is_file(),
        "the snippets are packaged"
    );
    assert!(!unpacked.join("tests").exists() && !unpacked.join("package-lock.json").exists());

    let app = work.join("app");
    std::fs::create_dir_all(app.join("src")).unwrap();
    std::fs::write(
        app.join("Cargo.toml"),
        format!(
            "[package]\nname = \"dependent_app\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
             [lib]\ncrate-type = [\"cdylib\"]\n\n[dependencies]\n\
             tattle = {{ path = {:?}, features = [\"log\"] }}\n\
             wasm-bindgen = \"=0.2.130\"\nlog = \"0.4\"\n\n[workspace]\n",
            unpacked.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(app.join("src/lib.rs"), APP).unwrap();
    // A target dir kept between runs (inside this repo's target/), so a second run is quick.
    let target = root.join("target/dependent-app");
    run(Command::new(env!("CARGO"))
        .args([
            "build",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "--target-dir",
        ])
        .arg(&target)
        .current_dir(&app));
    let out = work.join("out");
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--out-dir"])
        .arg(&out)
        .arg(target.join("wasm32-unknown-unknown/release/dependent_app.wasm")));
    let mut files = Vec::new();
    files_under(&out, &mut files);
    let names: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(&out).unwrap().display().to_string())
        .collect();
    for snippet in ["www-min/delivery.js", "www-min/store.js"] {
        assert!(
            names
                .iter()
                .any(|n| n.starts_with("snippets/tattle-") && n.ends_with(snippet)),
            "wasm-bindgen copied {snippet}: {names:?}"
        );
    }
    let glue = std::fs::read_to_string(out.join("dependent_app.js")).unwrap();
    assert!(!glue.contains("export function captureException"));
    std::fs::remove_dir_all(&work).unwrap();
}
