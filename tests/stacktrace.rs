//! Stack-trace parsing against stacks recorded from real engines, plus edge cases.
//!
//! Fixtures: `tests/fixtures/stacks/<format>/<engine>_<case>.txt` is an `error.stack` exactly
//! as the engine produced it, `<engine>_<case>.json` the frames expected from it (oldest
//! first). Those in `v8/`, `spidermonkey/` and `jsc/` are recorded and checked by the scripts in
//! `tests/fixtures/record/`. The others are written by hand from the formats engines that are
//! not on this machine are documented to print, or print in versions no longer shipped (see
//! `tests/fixtures/stacks/README.md`), their expected frames written by hand too.

use serde_json::{json, Value};
use std::fs;
use std::path::Path;
use tattle::protocol::Frame;
use tattle::stacktrace::{filename_of, parse, spidermonkey, v8, MAX_FRAMES, MAX_LINE};

fn fixtures(format: &str) -> Vec<(String, String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/stacks")
        .join(format);
    let mut out = Vec::new();
    for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let stack = fs::read_to_string(&path).unwrap();
        let expected = fs::read_to_string(path.with_extension("json"))
            .unwrap_or_else(|e| panic!("{name}.json: {e}"));
        out.push((name, stack, serde_json::from_str(&expected).unwrap()));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Parses every recorded stack of `format` and compares with its expected frames; each
/// engine prefix must have at least `min` fixtures, so a lost recording cannot pass silently.
fn check_recorded(format: &str, engines: &[&str], min: usize) {
    let cases = fixtures(format);
    for engine in engines {
        let n = cases.iter().filter(|c| c.0.starts_with(engine)).count();
        assert!(n >= min, "only {n} {engine}* fixtures");
    }
    let mut failed = Vec::new();
    for (name, stack, expected) in &cases {
        let got = serde_json::to_value(parse(stack)).unwrap();
        if &got != expected {
            eprintln!(
                "--- {name}: got\n{}",
                serde_json::to_string_pretty(&got).unwrap()
            );
            failed.push(name.as_str());
        }
    }
    assert!(failed.is_empty(), "frames differ for {failed:?}");
}

#[test]
fn recorded_v8_stacks() {
    check_recorded("v8", &["node_", "chromium_", "deno_", "workerd_"], 20);
}

#[test]
fn recorded_spidermonkey_stacks() {
    check_recorded("spidermonkey", &["firefox_"], 20);
}

#[test]
fn recorded_jsc_stacks() {
    check_recorded("jsc", &["jsc_"], 15);
}

#[test]
fn written_stacks() {
    check_recorded("hermes", &["hermes_"], 2);
    check_recorded("chakra", &["edge44_"], 2);
    check_recorded("phantomjs", &["phantomjs_"], 1);
    check_recorded(
        "react_native",
        &["react_native_jsc_", "react_native_android_"],
        1,
    );
    check_recorded("jsc_legacy", &["safari6_", "safari7_", "safari_legacy_"], 1);
    check_recorded("spidermonkey_legacy", &["firefox13_", "firefox29_"], 1);
    check_recorded("v8_legacy", &["chrome_"], 1);
    check_recorded("indented", &["safari12_", "firefox_", "jsc_"], 1);
}

/// Stacks reach us re-indented (copied from a log, nested in another text): every recorded
/// `fn@url` stack gives the same frames with its lines indented.
#[test]
fn indented_lines_give_the_same_frames() {
    for format in ["spidermonkey", "jsc"] {
        for (name, stack, expected) in fixtures(format) {
            // The indentation counts towards MAX_LINE, so a line that long is cut elsewhere.
            if stack.lines().any(|l| l.chars().count() > MAX_LINE - 8) {
                continue;
            }
            let indented: String = stack.lines().map(|l| format!("  \t  {l}\n")).collect();
            let got = serde_json::to_value(parse(&indented)).unwrap();
            assert_eq!(&got, &expected, "{name}");
        }
    }
}

#[test]
fn extension_frames_are_not_in_app() {
    for line in [
        "    at inject (chrome-extension://abcdef/content.js:1:2)",
        "inject@moz-extension://1234-5678/content.js:1:2",
        "inject@safari-web-extension://ABCD/content.js:1:2",
    ] {
        assert_eq!(parse(line)[0].in_app, Some(false), "{line}");
    }
}

/// One frame as JSON, from the only line of `line`.
fn one(line: &str) -> Value {
    let frame = v8::parse_line(line).unwrap_or_else(|| panic!("not a frame: {line}"));
    assert_eq!(
        parse(line),
        vec![frame.clone()],
        "parse and parse_line differ on {line}"
    );
    serde_json::to_value(frame).unwrap()
}

fn frame(function: Option<&str>, abs_path: &str, filename: &str, line: u32, col: u32) -> Frame {
    Frame {
        function: function.map(str::to_owned),
        filename: Some(filename.to_owned()),
        abs_path: Some(abs_path.to_owned()),
        lineno: Some(line),
        colno: Some(col),
        in_app: Some(true),
        ..Frame::default()
    }
}

#[test]
fn function_forms() {
    let at = |f: &str| one(&format!("    at {f} (http://h/a.js:1:2)"))["function"].clone();
    assert_eq!(at("Foo.bar"), "Foo.bar");
    assert_eq!(at("new Foo"), "new Foo");
    assert_eq!(at("async fetchAll"), "fetchAll");
    assert_eq!(at("Object.<anonymous>"), "Object.<anonymous>");
    assert_eq!(
        at("Timeout.onTimer [as _onTimeout]"),
        "Timeout.onTimer [as _onTimeout]"
    );
    assert_eq!(at("Module._extensions..js"), "Module._extensions..js");
    assert_eq!(at("async"), "async"); // a function named async, not the marker
    assert_eq!(at("<anonymous>"), Value::Null);
    assert_eq!(at("?"), Value::Null);
    assert_eq!(at("функция"), "функция");
    // The bare form is an anonymous function.
    assert_eq!(
        parse("    at http://h/a.js:3:4"),
        vec![frame(None, "http://h/a.js", "/a.js", 3, 4)]
    );
    assert_eq!(
        parse("    at async file:///srv/app/main.mjs:7:1"),
        vec![frame(
            None,
            "file:///srv/app/main.mjs",
            "/srv/app/main.mjs",
            7,
            1
        )]
    );
}

#[test]
fn builtins_and_engine_code_are_not_in_app() {
    assert_eq!(
        one("    at Array.map (<anonymous>)"),
        json!({"function": "Array.map", "filename": "<anonymous>", "abs_path": "<anonymous>",
               "in_app": false})
    );
    assert_eq!(
        one("    at JSON.parse (native)"),
        json!({"function": "JSON.parse", "filename": "native", "abs_path": "native",
               "in_app": false})
    );
    assert_eq!(
        one("    at async Promise.all (index 0)"),
        json!({"function": "Promise.all", "in_app": false})
    );
    assert_eq!(
        one("at async Promise.allSettled (index 12)")["function"],
        "Promise.allSettled"
    );
    assert_eq!(
        one("    at <anonymous>:1:5"),
        json!({"filename": "<anonymous>", "abs_path": "<anonymous>", "lineno": 1, "colno": 5,
               "in_app": false})
    );
    let in_app = |loc: &str| one(&format!("    at f ({loc})"))["in_app"].clone();
    assert_eq!(in_app("node:internal/modules/cjs/loader:1521:14"), false);
    assert_eq!(in_app("node:events:524:28"), false);
    assert_eq!(in_app("ext:core/01_core.js:12:3"), false);
    assert_eq!(in_app("ext:deno_node/_events.mjs:4:461"), false);
    assert_eq!(in_app("node-internal:events:311:32"), false); // workerd's node compat
    assert_eq!(in_app("cloudflare-internal:sockets-module:1:2"), false);
    // A Deno `npm:` package without a node_modules folder, such as tattle itself.
    assert_eq!(
        in_app("file:///home/me/.cache/deno/npm/registry.npmjs.org/tattle/0.1.0/dist/index.js:1:2"),
        false
    );
    assert_eq!(in_app("/srv/app/node_modules/lib/index.js:1:2"), false);
    assert_eq!(
        in_app("http://h/node_modules/.vite/deps/react.js:1:2"),
        false
    );
    assert_eq!(in_app("C:\\app\\node_modules\\lib\\index.js:1:2"), false);
    assert_eq!(in_app("/srv/app/src/node_modules_ish.js:1:2"), true);
    assert_eq!(in_app("webpack-internal:///./src/index.js:1:2"), true);
}

#[test]
fn windows_paths() {
    assert_eq!(
        parse("    at main (C:\\Users\\me\\app\\index.js:10:5)"),
        vec![frame(
            Some("main"),
            "C:\\Users\\me\\app\\index.js",
            "C:\\Users\\me\\app\\index.js",
            10,
            5
        )]
    );
    assert_eq!(
        parse("    at C:\\Program Files (x86)\\app\\index.js:1:2"),
        vec![frame(
            None,
            "C:\\Program Files (x86)\\app\\index.js",
            "C:\\Program Files (x86)\\app\\index.js",
            1,
            2
        )]
    );
    assert_eq!(
        parse("    at main (file:///C:/Users/me/app/index.mjs:3:9)"),
        vec![frame(
            Some("main"),
            "file:///C:/Users/me/app/index.mjs",
            "/C:/Users/me/app/index.mjs",
            3,
            9
        )]
    );
    // Windows line ends.
    assert_eq!(parse("Error: x\r\n    at f (C:\\a.js:1:2)\r\n").len(), 1);
}

#[test]
fn ports_query_strings_and_hashes() {
    assert_eq!(
        parse("    at f (http://127.0.0.1:8080/app.js:10:5)"),
        vec![frame(
            Some("f"),
            "http://127.0.0.1:8080/app.js",
            "/app.js",
            10,
            5
        )]
    );
    assert_eq!(
        parse("    at f (https://cdn.example.com:443/js/app.js?v=1.2:3&x=4:5#frag:6:10:5)"),
        vec![frame(
            Some("f"),
            "https://cdn.example.com:443/js/app.js?v=1.2:3&x=4:5#frag:6",
            "/js/app.js",
            10,
            5
        )]
    );
    assert_eq!(
        parse("    at f (http://h:81?q=1:2:3)"),
        vec![frame(Some("f"), "http://h:81?q=1", "/", 2, 3)]
    );
    assert_eq!(
        parse("    at f (http://[::1]:3000/a.js#x:1:1)"),
        vec![frame(Some("f"), "http://[::1]:3000/a.js#x", "/a.js", 1, 1)]
    );
    // Other schemes keep the whole URL as filename.
    assert_eq!(
        parse("    at f (blob:http://h:1/5b2e-11:2:3)"),
        vec![frame(
            Some("f"),
            "blob:http://h:1/5b2e-11",
            "blob:http://h:1/5b2e-11",
            2,
            3
        )]
    );
    // A host and port is not a position.
    assert!(v8::parse_line("    at http://127.0.0.1:8080").is_none());
    assert!(v8::parse_line("    at f (http://127.0.0.1:8080)").is_none());
}

#[test]
fn filename_is_the_url_path() {
    assert_eq!(
        filename_of("https://h.example:8443/a/b.js?v=1#x"),
        "/a/b.js"
    );
    assert_eq!(filename_of("http://h#frag/x"), "/");
    assert_eq!(filename_of("http://h"), "/");
    assert_eq!(
        filename_of("file:///srv/app/main.mjs?x"),
        "/srv/app/main.mjs"
    );
    assert_eq!(filename_of("/srv/app/main.js"), "/srv/app/main.js");
    assert_eq!(filename_of("node:internal/timers"), "node:internal/timers");
    assert_eq!(
        filename_of("webpack://app/./src/a.js"),
        "webpack://app/./src/a.js"
    );
    assert_eq!(filename_of(""), "");
}

#[test]
fn parentheses_in_names_and_paths() {
    assert_eq!(
        parse("    at Object.weird (name) (/tmp/dir (1)/a.js:1:2)"),
        vec![frame(
            Some("Object.weird (name)"),
            "/tmp/dir (1)/a.js",
            "/tmp/dir (1)/a.js",
            1,
            2
        )]
    );
    assert_eq!(
        parse("    at /tmp/dir (1)/a.js:1:2"),
        vec![frame(None, "/tmp/dir (1)/a.js", "/tmp/dir (1)/a.js", 1, 2)]
    );
    assert_eq!(
        parse("    at f (/tmp/a(b.js:1:2)"),
        vec![frame(Some("f"), "/tmp/a(b.js", "/tmp/a(b.js", 1, 2)]
    );
    assert_eq!(
        parse("    at f (/tmp/a)b.js:1:2)"),
        vec![frame(Some("f"), "/tmp/a)b.js", "/tmp/a)b.js", 1, 2)]
    );
    let data = "data:text/javascript,function f() { g(\"(x)\"); }";
    let name = "<data:text/javascript>";
    assert_eq!(
        parse(&format!("    at Module.f ({data}:1:20)")),
        vec![frame(Some("Module.f"), name, name, 1, 20)]
    );
}

#[test]
fn data_urls_are_named_by_their_media_type() {
    let name = |stack: &str| {
        let f = &parse(stack)[0];
        assert_eq!(f.filename, f.abs_path);
        (f.abs_path.clone().unwrap(), f.lineno, f.colno)
    };
    let want = |mime: &str| (format!("<data:{mime}>"), Some(1), Some(5));
    assert_eq!(
        name("    at f (data:application/javascript,export function f() {}:1:5)"),
        want("application/javascript")
    );
    assert_eq!(
        name("f@data:text/javascript;base64,ZnVuY3Rpb24gZigpIHt9:1:5"),
        want("text/javascript;base64")
    );
    assert_eq!(
        name("    at data:text/javascript,x:1:5"),
        want("text/javascript")
    );
    assert_eq!(
        filename_of("data:text/javascript,f()"),
        "<data:text/javascript>"
    );
    assert_eq!(filename_of("data:"), "<data:>");
    // A data: URL longer than a line: the cut keeps the function and the media type, also
    // where the cut falls just after a ")" of the code.
    let head = "    at big (data:text/javascript,";
    for code in [
        "g(1); ".repeat(MAX_LINE),
        format!("{})h(2);", "x".repeat(MAX_LINE - head.len() - 1)),
    ] {
        let long = format!("{head}{code}:1:2)");
        assert_eq!(
            serde_json::to_value(parse(&long)).unwrap(),
            json!([{"function": "big", "filename": "<data:text/javascript>",
                    "abs_path": "<data:text/javascript>", "in_app": true}]),
            "{}",
            &long[MAX_LINE - 8..MAX_LINE]
        );
    }
}

#[test]
fn locations_without_a_column() {
    let no_col = |line: &str| {
        let f = parse(line)
            .pop()
            .unwrap_or_else(|| panic!("no frame: {line}"));
        (f.function, f.abs_path.unwrap(), f.lineno, f.colno)
    };
    assert_eq!(
        no_col("    at foo (http://h/a.js:24)"),
        (Some("foo".into()), "http://h/a.js".into(), Some(24), None)
    );
    assert_eq!(
        no_col("    at file:///srv/app/boot.js:878"),
        (None, "file:///srv/app/boot.js".into(), Some(878), None)
    );
    assert_eq!(
        no_col("@http://h/a.js:24"),
        (None, "http://h/a.js".into(), Some(24), None)
    );
    assert_eq!(
        no_col("f@C:\\app\\a.js:3"),
        (Some("f".into()), "C:\\app\\a.js".into(), Some(3), None)
    );
    // Only after a path: a host and port, a bare name or a number are not a file and line.
    for line in [
        "    at f (http://127.0.0.1:8080)",
        "    at http://h:81",
        "    at f (a.js:24)",
        "    at f (/a.js:99999999999:2)",
        "    at f (/a.js::2)",
        "f@http://h:8080",
        "user@example.com:25",
        "f@12:30",
    ] {
        assert_eq!(parse(line), vec![], "{line:?}");
    }
}

#[test]
fn other_engines_in_v8_format() {
    let loc = |line: &str| {
        let f = parse(line)
            .pop()
            .unwrap_or_else(|| panic!("no frame: {line}"));
        (f.function, f.abs_path, f.lineno, f.colno, f.in_app)
    };
    let s = |v: &str| Some(v.to_owned());
    // Hermes: the file is the bundle, `address at` is no part of it.
    assert_eq!(
        loc("    at onPress (address at index.android.bundle:1:452701)"),
        (
            s("onPress"),
            s("index.android.bundle"),
            Some(1),
            Some(452701),
            Some(true)
        )
    );
    // Old Chrome marked an awaited frame inside the parentheses.
    assert_eq!(
        loc("    at Object.callback (async http://h/:25:7)"),
        (
            s("Object.callback"),
            s("http://h/"),
            Some(25),
            Some(7),
            Some(true)
        )
    );
    // Chakra's builtins.
    assert_eq!(
        loc("   at Array.prototype.map (native code)"),
        (
            s("Array.prototype.map"),
            s("native code"),
            None,
            None,
            Some(false)
        )
    );
    // No space before the parenthesis.
    assert_eq!(
        loc("at castFn(../src/replay/index.js:368:76)"),
        (
            s("castFn"),
            s("../src/replay/index.js"),
            Some(368),
            Some(76),
            Some(true)
        )
    );
    assert_eq!(
        loc("   at onClick(http://h/(group)/[id]/page.js:1:644)"),
        (
            s("onClick"),
            s("http://h/(group)/[id]/page.js"),
            Some(1),
            Some(644),
            Some(true)
        )
    );
    assert_eq!(
        loc("  at Array.reduce(<anonymous>)"),
        (s("Array.reduce"), s("<anonymous>"), None, None, Some(false))
    );
    assert_eq!(
        loc("at <anonymous>(index.android.bundle:96:385)"),
        (
            None,
            s("index.android.bundle"),
            Some(96),
            Some(385),
            Some(true)
        )
    );
    // A spaced group still wins over an earlier unspaced one.
    assert_eq!(
        loc("    at f(x) (/a.js:1:2)"),
        (s("f(x)"), s("/a.js"), Some(1), Some(2), Some(true))
    );
    // Safari's legacy extensions put the scheme outside the parentheses.
    assert_eq!(
        loc("at run@safari-extension:(//com.x-AB12/1a2b/content.js:120:18)"),
        (
            s("run"),
            s("safari-extension://com.x-AB12/1a2b/content.js"),
            Some(120),
            Some(18),
            Some(false)
        )
    );
    assert_eq!(
        loc("at safari-web-extension:(//ID/content.js:5:7)").1,
        s("safari-web-extension://ID/content.js")
    );
    // A message line with a parenthesis is still no frame.
    for line in [
        "   at Error: origin \"(https://h.example\" from a cross-origin frame.)",
        "   at foo(bar)",
        "   at (x:1:2)",
    ] {
        assert_eq!(parse(line), vec![], "{line:?}");
    }
}

#[test]
fn at_sign_formats_of_older_engines() {
    let one_at = |line: &str| {
        let f = parse(line)
            .pop()
            .unwrap_or_else(|| panic!("no frame: {line}"));
        (f.function, f.abs_path, f.lineno, f.colno)
    };
    let s = |v: &str| Some(v.to_owned());
    // JavaScriptCore before Safari 13, and React Native's: an anonymous function is its bare
    // location.
    assert_eq!(
        one_at("http://h/a.js:48:22"),
        (None, s("http://h/a.js"), Some(48), Some(22))
    );
    assert_eq!(
        one_at("index.android.bundle:156:572"),
        (None, s("index.android.bundle"), Some(156), Some(572))
    );
    assert_eq!(
        one_at("      safari-web-extension://ID/scripts/content.js:29:56027").1,
        s("safari-web-extension://ID/scripts/content.js")
    );
    // Firefox before 14 printed the arguments.
    assert_eq!(one_at("bar(1)@http://h/a.js:13").0, s("bar"));
    assert_eq!(one_at("()@http://h/a.js:44").0, None);
    assert_eq!(one_at("(null)@http://h/a.js:31").0, None);
    // Indented lines.
    assert_eq!(
        one_at("          foo@http://h/test:19:19"),
        (s("foo"), s("http://h/test"), Some(19), Some(19))
    );
    // Not a location on its own: no column, spaces, no path, a number.
    for line in [
        "http://h/a.js:48",
        "see http://h/a.js:1:2",
        "Error:1:2",
        "12:15:30",
        "eval code",
        "http://h/a.js",
    ] {
        assert_eq!(parse(line), vec![], "{line:?}");
    }
}

#[test]
fn eval_frames_take_the_outer_location() {
    let want = |f: &str| vec![frame(Some(f), "http://h/app.js", "/app.js", 10, 5)];
    assert_eq!(
        parse("    at eval (eval at run (http://h/app.js:10:5), <anonymous>:1:7)"),
        want("eval")
    );
    assert_eq!(
        parse("    at inner (eval at <anonymous> (http://h/app.js:10:5), <anonymous>:3:1)"),
        want("inner")
    );
    assert_eq!(
        parse(concat!(
            "    at eval (eval at <anonymous> (eval at run (http://h/app.js:10:5)), ",
            "<anonymous>:1:7)"
        )),
        want("eval")
    );
    // Deno prints an eval named by `//# sourceURL` with its origin: the name is the file.
    assert_eq!(
        parse("    at named (virtual/generated.js, <anonymous>:1:26)"),
        vec![frame(
            Some("named"),
            "virtual/generated.js",
            "virtual/generated.js",
            1,
            26
        )]
    );
    // An origin V8 could not place: keep the position inside the evaluated code.
    assert_eq!(
        one("    at eval (eval at f (unknown source), <anonymous>:2:3)"),
        json!({"function": "eval", "filename": "<anonymous>", "abs_path": "<anonymous>",
               "lineno": 2, "colno": 3, "in_app": false})
    );
}

#[test]
fn wasm_frames() {
    assert_eq!(
        one("    at run (wasm://wasm/0ab9e6ca:wasm-function[1]:0x2b)"),
        json!({"function": "run", "filename": "wasm://wasm/0ab9e6ca",
               "abs_path": "wasm://wasm/0ab9e6ca", "in_app": true, "instruction_addr": "0x2b"})
    );
    let anonymous = one("    at http://h/app_bg.wasm:wasm-function[7]:0x1f0");
    assert_eq!(anonymous["function"], "wasm-function[7]");
    assert_eq!(anonymous["filename"], "/app_bg.wasm");
    assert_eq!(
        one("    at app_bg.wasm.tattle::js::capture::h0123456789abcdef (http://h/app_bg.wasm:wasm-function[9]:0x10)")["function"],
        "tattle::js::capture"
    );
}

#[test]
fn message_lines_are_not_frames() {
    let stack = "Error: Validation failed at step 2\n\
                 at least one recipient is required\n    \
                 at field (to) the value is empty\n    \
                 at step 3 (see the log)\n    \
                 at 10:30 the job stopped\n    \
                 at 12:15:30\n    \
                 at https://example.com/docs\n    \
                 at (x:1:2)x\n\
                 at\n\
                 reported by f@http://h/a.js:1:2\n\
                 f@http://h/a.js:1:2\n\
                 http://h/a.js:3:4\n    \
                 at f (/app/a.js:1:2)";
    assert_eq!(
        parse(stack),
        vec![frame(Some("f"), "/app/a.js", "/app/a.js", 1, 2)]
    );
}

#[test]
fn garbage_is_ignored() {
    for s in [
        "",
        "\n\n\n",
        "Error",
        "TypeError: x is not a function",
        "at",
        "at ",
        "    at ",
        "    at ()",
        "    at  (:1:2)",
        "    at :1:2",
        "    at f (",
        "    at f ()",
        "    at f (:)",
        "    at f (a.js:1:)",
        "    at f (a.js::2)",
        "    at f (a.js:99999999999:2)",
        "    at f (index x)",
        "    at f (index )",
        "    at f (http://h/a.js", // short: not a cut line, so not a frame
        "    at field (https://example.com/docs/errors",
        "    at f (eval at )",
        "    at f (eval at g (",
        "user@example.com",
        "    \u{1F980} at f (/a.js:1:2)",
    ] {
        assert_eq!(parse(s), vec![], "{s:?}");
    }
}

#[test]
fn lines_are_cut_at_max_line_characters() {
    // A location long enough to be cut keeps the function and the URL's path, but no numbers.
    let pad = "x".repeat(2000);
    let line = format!("    at handler (https://h/app.js?token={pad}:1:2)");
    let cut_loc: String = line
        .chars()
        .take(MAX_LINE)
        .skip("    at handler (".len())
        .collect();
    assert_eq!(
        serde_json::to_value(parse(&line)).unwrap(),
        json!([{"function": "handler", "filename": "/app.js", "abs_path": cut_loc, "in_app": true}])
    );
    // parse_line itself does not cut.
    assert_eq!(v8::parse_line(&line).unwrap().lineno, Some(1));
    // Exactly MAX_LINE characters is not cut; one more is. Multi-byte characters count once.
    let head = "    at f (/é/";
    let tail = ".js:1:2)";
    let fill = "é".repeat(MAX_LINE - head.chars().count() - tail.chars().count());
    let full = format!("{head}{fill}{tail}");
    assert_eq!(full.chars().count(), MAX_LINE);
    assert_eq!(parse(&full)[0].lineno, Some(1));
    let over = format!("{head}{fill}é{tail}");
    let frames = parse(&over);
    assert_eq!(frames[0].lineno, None);
    assert_eq!(
        frames[0].abs_path.as_ref().unwrap().chars().count(),
        MAX_LINE - "    at f (".len()
    );
    // A cut function name leaves no location: the line is dropped, the others stay.
    let stack = format!(
        "Error\n    at a (/a.js:1:1)\n    at {}\n    at b (/b.js:2:2)",
        "n".repeat(5000)
    );
    let names: Vec<_> = parse(&stack)
        .into_iter()
        .map(|f| f.function.unwrap())
        .collect();
    assert_eq!(names, ["b", "a"]);
    // A huge line costs nothing much and cannot panic.
    let _ = parse(&"    at (".repeat(200_000));
}

#[test]
fn frames_are_trimmed_in_the_middle() {
    let stack = |n: usize| {
        let mut s = String::from("RangeError: Maximum call stack size exceeded");
        for i in 0..n {
            s.push_str(&format!("\n    at f{i} (/app/a.js:{}:1)", i + 1));
        }
        s
    };
    let names = |n: usize| -> Vec<String> {
        parse(&stack(n))
            .into_iter()
            .map(|f| f.function.unwrap())
            .collect()
    };
    // Printed newest first (f0), returned oldest first.
    let all: Vec<String> = (0..MAX_FRAMES).rev().map(|i| format!("f{i}")).collect();
    assert_eq!(names(MAX_FRAMES), all);
    assert_eq!(names(3), ["f2", "f1", "f0"]);
    for n in [MAX_FRAMES + 1, 120, 10_000] {
        let got = names(n);
        assert_eq!(got.len(), MAX_FRAMES);
        let oldest: Vec<String> = (n - 25..n).rev().map(|i| format!("f{i}")).collect();
        let newest: Vec<String> = (0..25).rev().map(|i| format!("f{i}")).collect();
        assert_eq!(got[..25], oldest[..], "n={n}");
        assert_eq!(got[25..], newest[..], "n={n}");
    }
}

#[test]
fn never_panics_on_odd_input() {
    const PIECES: &[&str] = &[
        "at ",
        "    at ",
        "async ",
        "(",
        ")",
        " (",
        ":",
        "1",
        "42",
        " ",
        "\n",
        "\r\n",
        ", ",
        "é",
        "🦀",
        "\u{0}",
        "\u{200b}",
        "eval at ",
        "<anonymous>",
        "index ",
        "native",
        "http://",
        "file:///",
        "C:\\",
        "/",
        "?",
        "#",
        "[",
        "]",
        "wasm-function[",
        "0x",
        "node:",
        "x",
        "Object.",
        "new ",
        "@",
        "  ",
        "address at ",
        "data:",
        ",",
        "native code",
        "safari-extension:",
        "index.android.bundle",
        "[native code]",
        " line 3 > eval",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..20_000 {
        let len = (next() % 24) as usize;
        let s: String = (0..len)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        let frames = parse(&s);
        assert!(frames.len() <= MAX_FRAMES);
        for line in s.lines() {
            let _ = v8::parse_line(line);
            let _ = spidermonkey::parse_line(line);
        }
    }
    // Every cut point of lines with multi-byte characters.
    for line in [
        "    at ƒ🦀 (http://h/é🦀.js:1:2)",
        "ƒ🦀(é)@http://h/é🦀.js:1:2",
        "  http://h/é🦀.js:1:2",
        "at ƒ@safari-extension:(//é🦀/a.js:1:2)",
    ] {
        for (i, _) in line.char_indices() {
            let _ = parse(&line[..i]);
            let _ = parse(&line[i..]);
        }
    }
}
