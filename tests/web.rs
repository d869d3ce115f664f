//! The JS boundary in headless Chromium, via wasm-bindgen-test-runner and chromedriver.
#![cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
mod common;

/// DOM nodes only exist in the browser run.
#[wasm_bindgen_test::wasm_bindgen_test]
fn dom_nodes_are_described_not_walked() {
    use js_sys::{Function, Reflect};
    use wasm_bindgen::JsValue;
    let node = Function::new_no_args(
        "const b = document.createElement('button'); b.id = 'buy'; return { node: b };",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    let options = Function::new_no_args("return { dsn: 'http://k@127.0.0.1:9/1' }")
        .call0(&JsValue::NULL)
        .unwrap();
    assert!(tattle::js::init(options));
    tattle::js::set_extra("el".into(), node);
    let outcome = tattle::js::capture_message("m".into(), JsValue::UNDEFINED, JsValue::UNDEFINED);
    let body = Reflect::get(&outcome, &"body".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(
        body.contains(r#""el":{"node":"[HTMLButtonElement: button#buy]"}"#),
        "{body}"
    );
}
