//! `gaap`, a command line for Tencent Cloud GAAP generated from the SDK's specs.
//!
//! One subcommand per action, with no per-action Rust: the build script embeds every spec and
//! maps each action name to its generated request type ([`registry`]). A command goes through
//! these stages, each in its own module:
//!
//! 1. [`cli`]: the command line split into global options (clap), the action, and its
//!    parameters;
//! 2. [`params`]: the parameters, with tccli's conventions, into the request's JSON object
//!    (with `--cli-input-json`);
//! 3. [`shape`]: the JSON checked against the spec, every problem at once;
//! 4. [`call`]: the typed request (strict reading, `validate()`), signed and sent by
//!    `gaap::Client` or only dry-run, waited for or paged through by [`follow`], the typed
//!    answer printed by [`output`];
//!
//! with [`config`] for credentials and settings, [`help`] for help and skeletons from the
//! specs, and [`exit`] for the exit codes.

pub mod call;
pub mod cli;
pub mod config;
pub mod exit;
pub mod follow;
pub mod help;
pub mod output;
pub mod params;
pub mod registry;
pub mod shape;
pub mod spec;

use std::ffi::OsString;
use std::io::Write;

use clap::{CommandFactory, Parser};

use crate::cli::{Builtin, Globals, LanguageArg, Skeleton};
use crate::exit::{Exit, Failure};
use crate::spec::Lang;

/// Runs one command line (without the program name), printing to `out` and `err`; returns the
/// exit code.
pub fn run(args: Vec<OsString>, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    match execute(args, out, err) {
        Ok(()) => Exit::Success,
        Err(failure) => {
            if !failure.message.is_empty() {
                let _ = writeln!(err, "gaap: {}", failure.message);
            }
            failure.exit
        }
    }
}

fn execute(args: Vec<OsString>, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Failure> {
    let args = args
        .into_iter()
        .map(|arg| {
            arg.into_string()
                .map_err(|arg| Failure::usage(format!("the argument {arg:?} is not UTF-8")))
        })
        .collect::<Result<Vec<String>, Failure>>()?;
    let split = cli::split(args)?;
    let globals =
        match Globals::try_parse_from(std::iter::once("gaap".to_owned()).chain(split.globals)) {
            Ok(globals) => globals,
            Err(error) => {
                // `--version`, and clap's usage errors, worded by clap.
                let text = error.render().to_string();
                return if error.use_stderr() {
                    Err(Failure::new(
                        Exit::Usage,
                        text.trim_end().trim_start_matches("error: "),
                    ))
                } else {
                    call::write_out(out, &text)
                };
            }
        };
    let options = &globals.options;
    let lang = match options.language {
        Some(LanguageArg::ZhCn) => Lang::Chinese,
        _ => Lang::English,
    };
    if let Some(Builtin::Completions { shell }) = globals.builtin {
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut completion_command(), "gaap", &mut script);
        return call::write_out(out, &String::from_utf8_lossy(&script));
    }
    let Some(action) = split.action else {
        let help = root_help(lang);
        return if split.help {
            call::write_out(out, &help)
        } else {
            let _ = err.write_all(help.as_bytes());
            Err(Failure::usage("no action given"))
        };
    };
    let spec =
        spec::load(&action).ok_or_else(|| Failure::usage(format!("unknown action {action}")))?;
    if split.help {
        return call::write_out(out, &help::action_help(&spec, lang));
    }
    if let Some(which) = options.generate_cli_skeleton {
        return call::write_out(out, &help::skeleton(&spec, which == Skeleton::Input));
    }
    if let Some(name) = &options.wait {
        check_waiter(&spec, name)?;
    }
    if options.all_pages && spec.pagination.is_none() {
        return Err(Failure::usage(format!(
            "--all-pages: {} does not page; the actions that do (Offset, Limit and TotalCount) \
             are {}",
            spec.action,
            actions_where(|spec| spec.pagination.is_some(), false).join(", ")
        )));
    }
    let mut request = match &options.cli_input_json {
        Some(arg) => params::input_json(arg)?,
        None => serde_json::Map::new(),
    };
    request.extend(params::build(&spec, &split.params)?);
    let problems = shape::check(&spec, &request);
    if !problems.is_empty() {
        let mut message = format!(
            "the request does not fit the spec of {} ({} problem{}); nothing was sent:",
            spec.action,
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
        for problem in &problems {
            let at = if problem.path.is_empty() {
                "(request)"
            } else {
                &problem.path
            };
            message.push_str(&format!("\n  {at}: {}", problem.message));
        }
        message.push_str(&format!(
            "\n`gaap {} --help` shows every parameter",
            spec.action
        ));
        return Err(Failure::new(Exit::Invalid, message));
    }
    let settings = config::settings(options)?;
    call::Call {
        spec: &spec,
        request,
        options,
        settings: &settings,
        out,
        err,
    }
    .run()
}

/// A usage failure unless `name` is one of the action's waiters.
fn check_waiter(spec: &spec::Spec, name: &str) -> Result<(), Failure> {
    if spec.waiters.contains_key(name) {
        return Ok(());
    }
    if spec.waiters.is_empty() {
        return Err(Failure::usage(format!(
            "--wait {name}: {} has no waiters. A waiter polls the Describe action it belongs to \
             (as tccli's --waiter repeats its own command): {}",
            spec.action,
            actions_where(|spec| !spec.waiters.is_empty(), true).join(", ")
        )));
    }
    let names = spec.waiters.keys().map(String::as_str);
    let close = spec::closest(names.clone(), name);
    let hint = if close.is_empty() {
        String::new()
    } else {
        format!("did you mean {}? ", close.join(", "))
    };
    Err(Failure::usage(format!(
        "--wait {name}: {} has no such waiter; {hint}its waiters are {}",
        spec.action,
        names.collect::<Vec<_>>().join(", ")
    )))
}

/// The actions whose spec passes `test`, with their waiters in brackets if `waiters`.
fn actions_where(test: impl Fn(&spec::Spec) -> bool, waiters: bool) -> Vec<String> {
    spec::action_names()
        .filter_map(spec::load)
        .filter(|spec| test(spec))
        .map(|spec| {
            if !waiters {
                spec.action.clone()
            } else {
                let names: Vec<&str> = spec.waiters.keys().map(String::as_str).collect();
                format!("{} ({})", spec.action, names.join(", "))
            }
        })
        .collect()
}

/// `gaap --help`: the global options, then every action with its title.
fn root_help(lang: Lang) -> String {
    let mut command = Globals::command().after_help(help::action_list(lang));
    command.render_help().to_string()
}

/// The command as clap_complete sees it: the global options, and every action with its
/// parameters and their documented values.
pub fn completion_command() -> clap::Command {
    let mut command = Globals::command();
    for name in spec::action_names() {
        let Some(spec) = spec::load(name) else {
            continue;
        };
        let mut sub = clap::Command::new(name.to_owned())
            .about(Lang::English.pick(&spec.title, &spec.title_zh).to_owned());
        for member in &spec.request {
            let mut arg = clap::Arg::new(member.name.clone())
                .long(member.name.clone())
                .value_name(member.ty.clone())
                .help(
                    Lang::English
                        .pick(&member.doc, &member.doc_zh)
                        .lines()
                        .next()
                        .unwrap_or("")
                        .to_owned(),
                );
            if let spec::Shape::Scalar(_, Some(values)) = spec.member_shape(member) {
                let values: Vec<String> = values.iter().map(spec::enum_text).collect();
                arg = arg.value_parser(clap::builder::PossibleValuesParser::new(values));
            }
            sub = sub.arg(arg);
        }
        if !spec.waiters.is_empty() {
            let names: Vec<String> = spec.waiters.keys().cloned().collect();
            sub = sub.arg(
                clap::Arg::new("wait")
                    .long("wait")
                    .value_name("WAITER")
                    .help("Poll this action until the resource is in the state waited for")
                    .value_parser(clap::builder::PossibleValuesParser::new(names)),
            );
        }
        command = command.subcommand(sub);
    }
    command
}
