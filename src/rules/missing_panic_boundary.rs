//! `missing-panic-boundary`: see `missing_panic_boundary.md`.

use crate::api::view::WorkspaceView;
use crate::api::{Level, Rule, RuleId, RuleKind, WorkspaceSink, WorkspaceSite};

pub struct MissingPanicBoundary;

impl Rule for MissingPanicBoundary {
    fn id(&self) -> RuleId {
        RuleId::MissingPanicBoundary
    }
    fn kind(&self) -> RuleKind {
        RuleKind::Workspace
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn summary(&self) -> &'static str {
        "a binary that serves requests installs no panic hook or catch-panic layer"
    }
    fn docs(&self) -> &'static str {
        include_str!("missing_panic_boundary.md")
    }

    fn workspace(&self, wf: &WorkspaceView<'_>, out: &mut WorkspaceSink) {
        for (index, target) in wf.targets.iter().enumerate() {
            if !target.is_bin {
                continue;
            }
            // The binary's own files, and its package's library when it calls it.
            let calls_library = wf
                .files
                .iter()
                .any(|f| f.target == Some(index) && f.facts.runtime.uses_library);
            let lib = wf
                .targets
                .iter()
                .position(|t| t.package == target.package && t.is_lib)
                .filter(|_| calls_library);
            let files = || {
                wf.files
                    .iter()
                    .filter(move |f| f.target == Some(index) || (lib.is_some() && f.target == lib))
            };
            let serves = files().any(|f| f.facts.runtime.serves.is_some());
            let guarded = files().any(|f| f.facts.runtime.hook || f.facts.runtime.catches);
            if !serves || guarded {
                continue;
            }
            let mut servers: Vec<&str> = Vec::new();
            for server in files().flat_map(|f| &f.facts.runtime.servers) {
                if !servers.contains(&server.as_str()) {
                    servers.push(server);
                }
            }
            let Some(help) = help(&servers) else {
                continue;
            };
            let main = wf
                .files
                .iter()
                .filter(|f| f.target == Some(index))
                .find_map(|f| f.facts.runtime.main_fn.map(|span| (f.file, span)));
            let Some((file, span)) = main else {
                continue;
            };
            out.push(WorkspaceSite {
                rule: RuleId::MissingPanicBoundary,
                file,
                span,
                message: format!(
                    "`{}` serves requests but installs no panic boundary",
                    target.crate_name
                ),
                help: Some(help),
                layer: wf
                    .layers
                    .layer_of(target.crate_name)
                    .map(|l| l.name.clone()),
            });
        }
    }
}

/// What a framework does about a panicking handler, and what to add.
struct Framework {
    /// The crate whose server items name it.
    krate: &'static str,
    /// `None`: it catches handler panics itself and answers 500 (Rocket 0.5).
    catch: Option<&'static str>,
}

/// The frameworks, the most specific first: an axum service also names hyper.
const FRAMEWORKS: &[Framework] = &[
    Framework {
        krate: "axum",
        catch: Some("add tower-http's catch-panic layer to the router (`.layer(tower_http::catch_panic::CatchPanicLayer::new())`, tower-http feature `catch-panic`)"),
    },
    Framework {
        krate: "actix_web",
        catch: Some("wrap the app in actix-web-lab's catch-panic middleware (`App::new().wrap(actix_web_lab::middleware::CatchPanic::default())`); actix-web has none of its own and drops the connection"),
    },
    Framework {
        krate: "poem",
        catch: Some("add poem's catch-panic middleware to the endpoint (`.with(poem::middleware::CatchPanic::new())`)"),
    },
    Framework {
        krate: "salvo",
        catch: Some("add salvo's catch-panic middleware as the first one (`Router::new().hoop(salvo::catch_panic::CatchPanic::new())`, salvo feature `catch-panic`)"),
    },
    Framework {
        krate: "tonic",
        catch: Some("add tower-http's catch-panic layer to the server (`Server::builder().layer(tower_http::catch_panic::CatchPanicLayer::new())`, tower-http feature `catch-panic`); tonic itself drops the call"),
    },
    Framework {
        krate: "warp",
        catch: Some("serve the routes as a tower service (`warp::service(routes)`) behind tower-http's catch-panic layer (`tower_http::catch_panic::CatchPanicLayer`); warp has no catch-panic filter"),
    },
    Framework {
        krate: "rocket",
        catch: None,
    },
    Framework {
        krate: "hyper",
        catch: Some("wrap the service in tower-http's catch-panic layer (`tower::ServiceBuilder::new().layer(tower_http::catch_panic::CatchPanicLayer::new())`) before handing it to hyper"),
    },
    Framework {
        krate: "hyper_util",
        catch: Some("wrap the service in tower-http's catch-panic layer (`tower::ServiceBuilder::new().layer(tower_http::catch_panic::CatchPanicLayer::new())`) before handing it to hyper"),
    },
];

const HOOK: &str = "install a panic hook that logs (`std::panic::set_hook`)";
const SO: &str = "so a panic is logged and answered with a 500 and the server keeps serving";

/// The help for a binary that builds the servers of these crates, or `None` when
/// each of them already catches handler panics.
fn help(servers: &[&str]) -> Option<String> {
    let known: Vec<&Framework> = FRAMEWORKS
        .iter()
        .filter(|f| servers.contains(&f.krate))
        .collect();
    let Some(first) = known.first() else {
        return Some(format!(
            "{HOOK} and a catch-panic layer (`tower_http::catch_panic::CatchPanicLayer`), {SO}"
        ));
    };
    if known.iter().all(|f| f.catch.is_none()) {
        return None;
    }
    // hyper is named by the services built on it: its advice only when it is alone.
    let is_hyper = |f: &&&Framework| f.krate.starts_with("hyper");
    let catches: Vec<(&str, &str)> = if is_hyper(&first) {
        first.catch.map(|c| (first.krate, c)).into_iter().collect()
    } else {
        known
            .iter()
            .filter(|f| !is_hyper(f))
            .filter_map(|f| Some((f.krate, f.catch?)))
            .collect()
    };
    let catch = match catches.as_slice() {
        [(_, one)] => (*one).to_owned(),
        many => many
            .iter()
            .map(|(krate, catch)| format!("for {krate}, {catch}"))
            .collect::<Vec<_>>()
            .join("; "),
    };
    Some(format!("{HOOK}, and {catch}, {SO}"))
}

#[cfg(test)]
mod tests {
    use super::help;

    #[test]
    fn the_help_names_what_the_framework_offers() {
        let axum = help(&["hyper", "axum"]).unwrap_or_default();
        assert!(axum.contains("CatchPanicLayer::new()") && axum.contains("set_hook"));
        assert!(!axum.contains("hyper"), "{axum}");
        let actix = help(&["actix_web"]).unwrap_or_default();
        assert!(
            actix.contains("actix_web_lab::middleware::CatchPanic"),
            "{actix}"
        );
        let both = help(&["tonic", "axum"]).unwrap_or_default();
        assert!(both.contains("Server::builder()") && both.contains("to the router"));
        assert!(help(&["hyper"])
            .unwrap_or_default()
            .contains("before handing it to hyper"));
        assert!(help(&["rocket"]).is_none());
        assert!(help(&["rocket", "axum"]).is_some());
        assert!(help(&[]).unwrap_or_default().contains("CatchPanicLayer"));
    }
}
