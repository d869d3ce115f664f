//! A Yew (client-side rendered) app that reports through tattle's Rust API: no JavaScript
//! glue of its own. One button reports a handled error with its cause, the other panics in
//! its click handler, as a bug in real Yew code would.
use std::fmt;
use std::num::ParseIntError;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// The app's entry point, run by wasm-bindgen's `init()` when the module loads.
#[wasm_bindgen(start)]
pub fn start() {
    let dsn = dsn_from_page_url();
    let _tattle = tattle::init(tattle::ClientOptions {
        dsn,
        release: Some(concat!("yew_app@", env!("CARGO_PKG_VERSION")).into()),
        environment: Some("e2e".into()),
        ..Default::default()
    });
    // Yew's Renderer replaces any panic hook that was not set through
    // `yew::set_custom_panic_hook`: hand it tattle's (which `init` just installed).
    yew::set_custom_panic_hook(std::panic::take_hook());
    tattle::configure_scope(|scope| {
        scope.set_tag("app", "yew_app");
        scope.set_user(Some(tattle::protocol::User {
            id: Some("42".into()),
            username: Some("ada".into()),
            ..Default::default()
        }));
    });
    yew::Renderer::<App>::new().render();
}

/// `?dsn=…` from the page's URL (none: tattle stays off).
fn dsn_from_page_url() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("dsn")
}

#[derive(Debug)]
struct ConfigError {
    source: ParseIntError,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad port in config")
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn parse_port(text: &str) -> Result<u16, ConfigError> {
    text.parse().map_err(|source| ConfigError { source })
}

/// The cart's total in cents; more than three items is a bug this app never expected.
#[inline(never)]
fn cart_total(prices: &[u32]) -> u32 {
    if prices.len() > 3 {
        panic!("cart has {} items, the limit is 3", prices.len()); // @line panic
    }
    prices.iter().sum()
}

#[function_component(App)]
fn app() -> Html {
    let last_event = use_state(String::new);
    let total = use_state(|| 0u32);

    let on_save = {
        let last_event = last_event.clone();
        Callback::from(move |_: MouseEvent| {
            if let Err(e) = parse_port("80a") {
                last_event.set(tattle::capture_error(&e));
            }
        })
    };
    let on_checkout = {
        let total = total.clone();
        Callback::from(move |_: MouseEvent| {
            let prices = [450, 450, 1200, 300, 990];
            total.set(cart_total(&prices));
        })
    };

    html! {
        <main>
            <button id="save" onclick={on_save}>{ "Save settings" }</button>
            <button id="checkout" onclick={on_checkout}>{ "Check out" }</button>
            <p>{ "Reported: " }<output id="event-id">{ (*last_event).clone() }</output></p>
            <p>{ "Total: " }<output id="total">{ *total }</output></p>
        </main>
    }
}
