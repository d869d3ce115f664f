//! A Leptos 0.8 (client-side rendered) app that reports through tattle: no JavaScript glue of
//! its own and no tattle call in its views. An `Err` a view renders inside an
//! `<ErrorBoundary>` is reported (tattle's boundary, one `use` line below); a panic in a click
//! handler is reported by the panic hook; `tracing` and `log` events reach tattle through its
//! layer and logger.
use leptos::prelude::*;
// tattle's <ErrorBoundary>: Leptos's, reporting what it catches. This explicit import shadows
// the prelude's, so the views below are unchanged.
use std::fmt;
use std::num::ParseIntError;
use tattle::integrations::leptos::ErrorBoundary;
use tracing_subscriber::prelude::*;
use wasm_bindgen::prelude::*;

/// The app's entry point, run by wasm-bindgen's `init()` when the module loads.
#[wasm_bindgen(start)]
pub fn start() {
    let _tattle = tattle::init(tattle::ClientOptions {
        dsn: dsn_from_page_url(),
        release: Some(concat!("leptos_app@", env!("CARGO_PKG_VERSION")).into()),
        environment: Some("e2e".into()),
        traces_sample_rate: Some(1.0),
        // Runs on every event before it is sent: here it drops one, and marks the others.
        before_send: Some(tattle::BeforeSend::new(|mut event| {
            let dropped = event
                .logentry
                .as_ref()
                .is_some_and(|m| m.formatted == "drop me");
            event.tags.insert("checked".into(), "yes".into());
            (!dropped).then_some(event)
        })),
        ..Default::default()
    });
    // tracing: ERROR events are captured, WARN/INFO/DEBUG become breadcrumbs.
    tracing_subscriber::registry()
        .with(tattle::integrations::tracing::layer())
        .init();
    // log: error records are captured, the rest become breadcrumbs.
    log::set_boxed_logger(Box::new(tattle::integrations::log::TattleLogger::new())).ok();
    log::set_max_level(log::LevelFilter::Info);
    tattle::configure_scope(|scope| scope.set_tag("app", "leptos_app"));
    leptos::mount::mount_to_body(App);
}

/// `?dsn=…` from the page's URL (none: tattle stays off).
fn dsn_from_page_url() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("dsn")
}

#[derive(Debug)]
struct UserIdError {
    source: ParseIntError,
}

impl fmt::Display for UserIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a user id")
    }
}

impl std::error::Error for UserIdError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn user_id(text: &str) -> Result<u32, UserIdError> {
    text.parse().map_err(|source| UserIdError { source })
}

/// The cart's total in cents; more than three items is a bug this app never expected.
#[inline(never)]
fn cart_total(prices: &[u32]) -> u32 {
    if prices.len() > 3 {
        panic!("cart has {} items, the limit is 3", prices.len()); // @line panic
    }
    prices.iter().sum()
}

/// A transaction whose child spans are the `tracing` spans entered while it is bound.
fn load_cart() {
    let tx = tattle::start_transaction("load cart", "ui.action");
    tx.bind();
    tracing::info_span!("fetch_cart", items = 3).in_scope(|| {
        tracing::info_span!("parse_cart").in_scope(|| {});
    });
    tx.finish();
}

#[component]
fn App() -> impl IntoView {
    let (raw_id, set_raw_id) = signal("7".to_string());
    let (renders, set_renders) = signal(0u32);
    let (total, set_total) = signal(0u32);
    let (port, set_port) = signal("8080".to_string());
    view! {
        <main>
            <button id="bad-id" on:click=move |_| set_raw_id.set("7x".into())>"Open user 7x"</button>
            <button id="rerender" on:click=move |_| set_renders.update(|n| *n += 1)>"Re-render"</button>
            <button id="checkout" on:click=move |_| set_total.set(cart_total(&[450, 450, 1200, 300, 990]))>
                "Check out"
            </button>
            <button id="traced" on:click=move |_| {
                tracing::info!(step = "cart", "cart opened");
                tracing::error!(order_id = 17, retry = true, "payment declined");
            }>"Pay"</button>
            <button id="logged" on:click=move |_| {
                log::error!("drop me");
                log::error!("inventory sync failed for {}", "sku-9");
            }>
                "Sync"
            </button>
            <button id="tx" on:click=move |_| load_cart()>"Load cart"</button>
            <button id="bad-port" on:click=move |_| set_port.set("80a".into())>"Use port 80a"</button>
            <p>"Total: " <output id="total">{total}</output></p>
            // Outside any boundary: the Err reaches throw_error's global hook (tattle's).
            <p>"Port: " <output id="port">{move || port.get().parse::<u16>()}</output></p>
            <ErrorBoundary fallback=|errors| view! {
                <ul id="errors">
                    {move || errors.get().into_iter().map(|(_, e)| view! { <li>{e.to_string()}</li> }).collect_view()}
                </ul>
            }>
                <p>"User: " <output id="user">{move || { renders.get(); user_id(&raw_id.get()) }}</output></p>
            </ErrorBoundary>
            <p>"Renders: " <output id="renders">{renders}</output></p>
        </main>
    }
}
