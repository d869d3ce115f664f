//! Debug IDs: which uploaded source map belongs to which file of a minified app.
//!
//! `sentry-cli sourcemaps inject` (and Sentry's bundler plugins) put a snippet at the top of
//! each bundle that registers `globalThis._sentryDebugIds[new Error().stack] = "<uuid>"`: the
//! key is a stack whose newest frame is in the bundle itself, so parsing it (with tattle's own
//! parsers, as the event's frames were) names the file. An event then lists, under
//! `debug_meta.images`, `{ type: "sourcemap", code_file, debug_id }` for the files its frames are
//! in, and the server picks the source map uploaded with that debug id for every frame whose
//! `abs_path` is `code_file`.
//!
//! Pure: the JavaScript boundary hands over the registry's entries when their number changed
//! (chunks loaded lazily add keys); each stack is parsed once.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::protocol::{DebugImage, DebugMeta, Event, Map};
use crate::stacktrace;

/// Most registry entries read: a page cannot make tattle hold or parse an unbounded number.
pub const MAX_DEBUG_IDS: usize = 1000;

/// What the page registered: file → debug id, with every registering stack parsed once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DebugIds {
    /// How many keys the registry had when last read (`None`: never read).
    count: Option<usize>,
    /// Each registering stack seen, with the file it names (`None` when it names none), in
    /// the registry's order: parsed once, whatever happens to the registry later.
    parsed: Vec<(String, Option<String>)>,
    /// File (a frame's `abs_path`, as the parser made it) → debug id.
    files: Map<String>,
}

impl DebugIds {
    /// Whether what was read is still current for a registry of `count` keys. (A registry only
    /// grows in practice: a bundle registers once, when it loads.)
    pub fn is_current(&self, count: usize) -> bool {
        self.count == Some(count)
    }

    /// Reads the registry again: `entries` are its (stack, debug id) pairs in its order,
    /// `count` how many it has. Stacks seen before are not parsed again; a debug id that is no
    /// UUID is ignored (the server could not use it, and Relay would flag it).
    pub fn refresh(&mut self, count: usize, entries: &[(String, String)]) {
        self.count = Some(count);
        self.files = Map::new();
        let mut i = 0;
        // The registry keeps its order (string keys) and grows at its end: while every entry
        // so far was where it was, one past the known ones is new (no search, so reading a
        // registry of n entries stays O(n)).
        let mut in_order = true;
        while i < entries.len() && i < MAX_DEBUG_IDS {
            let (stack, id) = &entries[i];
            let at = match self.parsed.get(i) {
                Some((s, _)) if s == stack => Some(i),
                None if in_order => None,
                _ => {
                    in_order = false;
                    self.parsed.iter().position(|(s, _)| s == stack)
                }
            };
            let file = match at {
                Some(at) => self.parsed[at].1.clone(),
                None => {
                    let file = registering_file(stack);
                    if self.parsed.len() < MAX_DEBUG_IDS {
                        self.parsed.push((stack.clone(), file.clone()));
                    }
                    file
                }
            };
            if let (Some(file), true) = (file, is_debug_id(id)) {
                self.files.insert(file, id.clone());
            }
            i += 1;
        }
    }

    /// The debug id registered for the file at `abs_path`.
    pub fn id_for(&self, abs_path: &str) -> Option<&str> {
        self.files.get(abs_path).map(String::as_str)
    }

    /// Whether every in-app frame of `event` is in a file with a known debug id: then the
    /// registry need not be looked at for it (with hundreds of bundles registered, merely
    /// listing its keys costs more than a capture).
    pub fn covers(&self, event: &Event) -> bool {
        let Some(exceptions) = &event.exception else {
            return true;
        };
        for ex in &exceptions.values {
            let Some(trace) = &ex.stacktrace else {
                continue;
            };
            for frame in &trace.frames {
                if frame.in_app == Some(true) {
                    match &frame.abs_path {
                        Some(path) if self.id_for(path).is_some() => {}
                        _ => return false,
                    }
                }
            }
        }
        true
    }

    /// Puts `debug_meta.images` on `event` for the files of its frames that have a debug id,
    /// one image per file, `code_file` the frames' `abs_path`. Done before scrubbing, on the
    /// paths as the parser made them; the scrubber then treats `code_file` as it treats
    /// `abs_path`, so the two stay equal, which is what the server compares.
    pub fn attach(&self, event: &mut Event) {
        if self.files.is_empty() {
            return;
        }
        let mut images: Vec<DebugImage> = Vec::new();
        // Plain loops: iterator adapters cost far more in the wasm than they save here.
        let Some(exceptions) = &event.exception else {
            return;
        };
        for ex in &exceptions.values {
            let Some(trace) = &ex.stacktrace else {
                continue;
            };
            for frame in &trace.frames {
                let Some(path) = &frame.abs_path else {
                    continue;
                };
                let Some(id) = self.id_for(path) else {
                    continue;
                };
                if !images.iter().any(|i| i.code_file == *path) {
                    images.push(DebugImage {
                        ty: "sourcemap",
                        code_file: path.clone(),
                        debug_id: id.to_owned(),
                        #[cfg(feature = "std")]
                        code_id: None,
                    });
                }
            }
        }
        if !images.is_empty() {
            event.debug_meta = Some(DebugMeta { images });
        }
    }
}

/// The file a registering stack names: its newest frame with a location (the snippet runs
/// `new Error()` at the top of the bundle, so that frame is in the bundle).
pub fn registering_file(stack: &str) -> Option<String> {
    let mut frames = stacktrace::parse(stack);
    while let Some(frame) = frames.pop() {
        if frame.abs_path.is_some() {
            return frame.abs_path;
        }
    }
    None
}

/// A UUID, with or without dashes, as debug ids of source maps are (what Relay and the
/// servers parse: 32 hex digits once the dashes are gone).
pub fn is_debug_id(s: &str) -> bool {
    let mut digits = 0;
    for b in s.bytes() {
        match b {
            b'-' => {}
            b if b.is_ascii_hexdigit() => digits += 1,
            _ => return false,
        }
    }
    digits == 32 && s.len() <= 36
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Exception, Stacktrace, Values};
    use crate::scrub::Scrubber;

    const ID_A: &str = "1b7e4a35-7a3c-4c1e-9f21-5d0c2b3a4e5f";
    const ID_B: &str = "c0ffee00-1234-4abc-8def-0123456789ab";

    /// What V8 prints for the snippet at the top of a bundle: an anonymous function called at
    /// once, in the bundle's first line.
    fn chrome_key(url: &str) -> String {
        std::format!("Error\n    at {url}:1:52\n    at {url}:1:160")
    }

    fn entries(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn event_with(stacks: &[&str]) -> Event {
        Event {
            exception: Some(Values {
                values: stacks
                    .iter()
                    .map(|s| Exception {
                        ty: "Error".into(),
                        value: "boom".into(),
                        mechanism: None,
                        stacktrace: Some(Stacktrace {
                            frames: stacktrace::parse(s),
                        }),
                    })
                    .collect(),
            }),
            ..Event::default()
        }
    }

    #[test]
    fn the_registering_file_is_the_newest_frame_with_a_location() {
        let url = "https://shop.example/assets/index-Bx1.js";
        assert_eq!(registering_file(&chrome_key(url)).as_deref(), Some(url));
        // A lazily loaded chunk registers from inside the module evaluation that imported it.
        let lazy = "Error\n    at https://shop.example/assets/chunk-9.js:1:80\n    at async Promise.all (index 0)\n    at async https://shop.example/assets/index.js:3:4";
        assert_eq!(
            registering_file(lazy).as_deref(),
            Some("https://shop.example/assets/chunk-9.js")
        );
        // Firefox and Safari print `@url:line:col`.
        let gecko = "@https://shop.example/assets/index.js:1:52\n@https://shop.example/assets/index.js:1:160\n";
        assert_eq!(
            registering_file(gecko).as_deref(),
            Some("https://shop.example/assets/index.js")
        );
        assert_eq!(registering_file("Error"), None);
        assert_eq!(registering_file(""), None);
    }

    #[test]
    fn frames_in_registered_files_get_one_image_per_file() {
        let a = "https://shop.example/assets/index-Bx1.js";
        let b = "https://shop.example/assets/chunk-Q2.js";
        let mut ids = DebugIds::default();
        let (ka, kb) = (chrome_key(a), chrome_key(b));
        ids.refresh(2, &entries(&[(&ka, ID_A), (&kb, ID_B)]));
        let stack = std::format!(
            "TypeError: x\n    at r ({b}:1:900)\n    at o ({a}:1:4410)\n    at {a}:1:20\n    at https://cdn.other.example/lib.js:1:5"
        );
        let mut event = event_with(&[
            &stack,
            "Error: cause\n    at q (https://shop.example/assets/index-Bx1.js:1:7)",
        ]);
        ids.attach(&mut event);
        let images = event.debug_meta.unwrap().images;
        let got: Vec<_> = images
            .iter()
            .map(|i| (i.ty, i.code_file.as_str(), i.debug_id.as_str()))
            .collect();
        // Oldest frame first, as the frames are.
        assert_eq!(got, [("sourcemap", a, ID_A), ("sourcemap", b, ID_B)]);
    }

    #[test]
    fn no_registry_or_no_matching_frame_means_no_debug_meta() {
        let ids = DebugIds::default();
        let mut event = event_with(&["Error: x\n    at f (https://a.example/app.js:1:2)"]);
        ids.attach(&mut event);
        assert_eq!(event.debug_meta, None);

        let mut ids = DebugIds::default();
        let key = chrome_key("https://a.example/other.js");
        ids.refresh(1, &entries(&[(&key, ID_A)]));
        ids.attach(&mut event);
        assert_eq!(event.debug_meta, None);
        // A message event has no frames.
        let mut message = Event::default();
        ids.attach(&mut message);
        assert_eq!(message.debug_meta, None);
    }

    #[test]
    fn each_stack_is_parsed_once_and_rereads_follow_the_key_count() {
        let mut ids = DebugIds::default();
        assert!(!ids.is_current(0), "never read");
        let k1 = chrome_key("https://a.example/one.js");
        let k2 = chrome_key("https://a.example/two.js");
        ids.refresh(1, &entries(&[(&k1, ID_A)]));
        assert!(ids.is_current(1));
        assert!(!ids.is_current(2));
        // A chunk loads: the registry grows; the first stack is not parsed again (its cached
        // file is taken even when it moved in the registry's order).
        ids.refresh(2, &entries(&[(&k2, ID_B), (&k1, ID_A)]));
        assert_eq!(ids.parsed.len(), 2);
        assert_eq!(ids.id_for("https://a.example/one.js"), Some(ID_A));
        assert_eq!(ids.id_for("https://a.example/two.js"), Some(ID_B));
        // The cache holds the parse: a key whose cached file is changed by hand shows it.
        ids.parsed[1].1 = Some("https://a.example/cached.js".into());
        ids.refresh(2, &entries(&[(&k1, ID_A), (&k2, ID_B)]));
        assert_eq!(ids.id_for("https://a.example/cached.js"), Some(ID_B));
        assert_eq!(ids.parsed.len(), 2);
        // The same file registered again (a rebuilt chunk) takes the newer id.
        let k3 = std::format!("{k1}\n    at https://a.example/loader.js:9:9");
        ids.refresh(3, &entries(&[(&k1, ID_A), (&k2, ID_B), (&k3, ID_B)]));
        assert_eq!(ids.id_for("https://a.example/one.js"), Some(ID_B));
    }

    #[test]
    fn an_event_whose_in_app_frames_are_all_known_needs_no_reread() {
        let a = "https://shop.example/assets/index-Bx1.js";
        let mut ids = DebugIds::default();
        let ka = chrome_key(a);
        let known = event_with(&[&std::format!(
            "TypeError: x\n    at Array.map (<anonymous>)\n    at o ({a}:1:4410)\n    at https://cdn.example/node_modules/lib.js:1:5"
        )]);
        assert!(!ids.covers(&known), "nothing read yet");
        ids.refresh(1, &entries(&[(&ka, ID_A)]));
        assert!(
            ids.covers(&known),
            "builtins and dependencies are not asked about"
        );
        let lazy = event_with(&["Error: y\n    at w (https://shop.example/assets/chunk-9.js:1:1)"]);
        assert!(
            !ids.covers(&lazy),
            "a file not registered (yet): the registry is looked at"
        );
        assert!(ids.covers(&Event::default()), "no frames");
    }

    #[test]
    fn a_registry_read_in_order_is_searched_only_when_it_changed_order() {
        let keys: Vec<String> = (0..5)
            .map(|n| chrome_key(&std::format!("https://a.example/{n}.js")))
            .collect();
        let all: Vec<(String, String)> = keys.iter().map(|k| (k.clone(), ID_A.into())).collect();
        let mut ids = DebugIds::default();
        ids.refresh(3, &all[..3]);
        ids.refresh(5, &all);
        assert_eq!(ids.parsed.len(), 5);
        // Out of order (a key removed, another added): found by search, nothing parsed twice.
        let shuffled = [all[4].clone(), all[0].clone(), all[2].clone()];
        ids.refresh(3, &shuffled);
        assert_eq!(ids.parsed.len(), 5);
        assert_eq!(ids.id_for("https://a.example/4.js"), Some(ID_A));
        assert_eq!(
            ids.id_for("https://a.example/1.js"),
            None,
            "no longer registered"
        );
    }

    #[test]
    fn only_uuids_are_debug_ids() {
        assert!(is_debug_id(ID_A));
        assert!(is_debug_id("1B7E4A357A3C4C1E9F215D0C2B3A4E5F"));
        for bad in [
            "",
            "x",
            "1b7e4a35-7a3c-4c1e-9f21-5d0c2b3a4e5",
            "1b7e4a35_7a3c_4c1e_9f21_5d0c2b3a4e5f",
            "1b7e4a35-7a3c-4c1e-9f21-5d0c2b3a4e5fa",
            "zb7e4a357a3c4c1e9f215d0c2b3a4e5f",
        ] {
            assert!(!is_debug_id(bad), "{bad}");
        }
        let mut ids = DebugIds::default();
        let key = chrome_key("https://a.example/one.js");
        ids.refresh(1, &entries(&[(&key, "not-a-uuid")]));
        assert_eq!(ids.id_for("https://a.example/one.js"), None);
    }

    #[test]
    fn the_registry_is_bounded() {
        let keys: Vec<String> = (0..MAX_DEBUG_IDS + 50)
            .map(|n| chrome_key(&std::format!("https://a.example/{n}.js")))
            .collect();
        let mut ids = DebugIds::default();
        let all: Vec<(String, String)> = keys.iter().map(|k| (k.clone(), ID_A.into())).collect();
        ids.refresh(keys.len(), &all);
        assert_eq!(ids.files.len(), MAX_DEBUG_IDS);
        assert_eq!(ids.parsed.len(), MAX_DEBUG_IDS);
        assert!(
            ids.is_current(MAX_DEBUG_IDS + 50),
            "no re-read on every capture"
        );
    }

    #[test]
    fn code_file_is_the_scrubbed_abs_path_the_frame_carries() {
        // A bundle URL with a secret in its query (a signed CDN URL): scrubbing filters the
        // value in the frame, and the image names the file as the frame now does.
        let url = "https://cdn.example:8443/assets/app.js?token=s3cr3t&v=2";
        let mut ids = DebugIds::default();
        let key = chrome_key(url);
        ids.refresh(1, &entries(&[(&key, ID_A)]));
        let mut event = event_with(&[&std::format!("Error: x\n    at f ({url}:1:2)")]);
        ids.attach(&mut event);
        Scrubber::new(false).scrub_event(&mut event);
        let frame_path = event.exception.as_ref().unwrap().values[0]
            .stacktrace
            .as_ref()
            .unwrap()
            .frames[0]
            .abs_path
            .clone()
            .unwrap();
        assert_eq!(
            frame_path,
            "https://cdn.example:8443/assets/app.js?token=[Filtered]&v=2"
        );
        let images = event.debug_meta.unwrap().images;
        assert_eq!(images.len(), 1);
        assert_eq!(images[0].code_file, frame_path);
    }
}
