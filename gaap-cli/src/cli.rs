//! The command line: the global options (clap), and the split of a command line into global
//! options, the action, and the action's parameters.
//!
//! The action's parameters come from its spec and include dotted paths into nested members
//! (`--Filters.0.Name`), which no fixed set of clap arguments can describe; so the command line
//! is split first, by the names clap knows: tokens that are global options go to clap, as in
//! tccli they may stand before or after the action; the others, after the action, are the
//! action's parameters, read by [`crate::params`] against the spec.
//!
//! The options' doc comments are clap's help text, printed as written: `host[:port]` and
//! `[NAME]` there are the usual notation of an optional part and a section, not links.
#![allow(rustdoc::broken_intra_doc_links)]

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::exit::Failure;
use crate::spec;

/// The options every action takes, as tccli names them where tccli has them.
#[derive(Debug, Default, Parser)]
#[command(
    name = "gaap",
    version,
    about = "Tencent Cloud GAAP from the command line: one subcommand per API action, each \
             request checked against the documented rules before it is sent.",
    override_usage = "gaap [OPTIONS] <Action> [--Param value]...\n       gaap <Action> --help\n       gaap completions <SHELL>",
    disable_help_subcommand = true
)]
pub struct Globals {
    #[command(flatten)]
    pub options: Options,
    #[command(subcommand)]
    pub builtin: Option<Builtin>,
}

/// The global options.
#[derive(Debug, Default, Args)]
pub struct Options {
    /// The region (ap-guangzhou); default: TENCENTCLOUD_REGION, then the tccli profile. GAAP
    /// actions are documented to take none: it is sent only to actions whose spec says so.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Send to this endpoint instead of the documented host: host, host:port or
    /// scheme://host[:port]. Default: the tccli profile's gaap.endpoint, else the spec's host.
    #[arg(long, value_name = "ENDPOINT")]
    pub endpoint: Option<String>,
    /// The credentials and settings profile (tccli's ~/.tccli/NAME.*, section [NAME] of
    /// ~/.tencentcloud/credentials); default: TCCLI_PROFILE, else "default". Naming one
    /// explicitly skips the TENCENTCLOUD_* variables, as in tccli.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// How to print the answer; default: the tccli profile's output, else json.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    /// A JMESPath expression applied to the answer before printing (ListenerIds[0]).
    #[arg(long, value_name = "JMESPATH")]
    pub filter: Option<String>,
    /// Read the parameters from a JSON file (file://request.json; file://- for standard input);
    /// parameters on the command line replace the file's.
    #[arg(long, value_name = "file://PATH")]
    pub cli_input_json: Option<String>,
    /// Accepted for tccli's scripts: dotted parameters (--Filters.0.Name x) and space-separated
    /// lists (--Ports 90 91) work with or without it.
    #[arg(long)]
    pub cli_unfold_argument: bool,
    /// Print a JSON skeleton of the request (input, the default) or of the answer (output) for
    /// --cli-input-json, and send nothing.
    #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "input", value_name = "WHICH")]
    pub generate_cli_skeleton: Option<Skeleton>,
    /// Check and sign the request, print it (secrets redacted) and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Run the command against a GAAP emulator started inside this command (--emulator: it
    /// starts afresh each time, with only its built-in resources), or against a running one at
    /// URL (--emulator=http://127.0.0.1:9000), signed with the documentation's example key
    /// pair instead of your credentials.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "", value_name = "URL")]
    pub emulator: Option<String>,
    /// Send the request even if it breaks documented rules (ranges, cross-field rules); the
    /// types, required parameters and documented values are still checked.
    #[arg(long)]
    pub no_validate: bool,
    /// How long one attempt may take, in seconds (default 60).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// How many attempts a call may take, the first included (default 3): failures that are
    /// safe to repeat (not sent, throttled, or of a read-only or ClientToken action) are retried.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10))]
    pub max_attempts: Option<u32>,
    /// The language of the server's messages, and of the help when the spec has both.
    #[arg(long, value_enum, value_name = "LANGUAGE")]
    pub language: Option<LanguageArg>,
    /// Send through this HTTP(S) proxy (default: HTTPS_PROXY and the like).
    #[arg(long, value_name = "URL")]
    pub https_proxy: Option<String>,
    /// Use the CAM role of this CVM instance, whatever else is configured.
    #[arg(long)]
    pub use_cvm_role: bool,
    /// POST with a JSON body (the default), or GET with the parameters flattened into the
    /// query (Ports.0=90).
    #[arg(long, value_enum, value_name = "METHOD", ignore_case = true)]
    pub http_method: Option<MethodArg>,
    /// The signature method (default TC3-HMAC-SHA256).
    #[arg(long, value_enum, value_name = "METHOD")]
    pub sign_method: Option<SignMethodArg>,
    /// Poll the action with its waiter NAME until the resource is in the state waited for,
    /// then print the last answer (a Describe action's waiters are listed in its help). Exit 7
    /// when the wait times out, 8 when the resource reaches a state it cannot leave.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["dry_run", "all_pages"])]
    pub wait: Option<String>,
    /// The longest --wait may take, in seconds; default: the waiter's own maximum (in the
    /// action's help).
    #[arg(long, value_name = "SECONDS", requires = "wait")]
    pub wait_timeout: Option<f64>,
    /// Seconds between the polls of --wait; default: the waiter's own delays, growing from its
    /// minimum to its maximum.
    #[arg(long, value_name = "SECONDS", requires = "wait")]
    pub wait_interval: Option<f64>,
    /// Follow every page of a paged Describe action and print one answer: the items of all
    /// pages, the total as the last page says (pages of --Limit items if given).
    #[arg(long, conflicts_with = "dry_run")]
    pub all_pages: bool,
}

/// A positive number of seconds given to `option`, as a duration.
///
/// # Errors
///
/// A usage failure for zero, a negative number, or one too large.
pub fn seconds(option: &str, value: f64) -> Result<std::time::Duration, Failure> {
    std::time::Duration::try_from_secs_f64(value)
        .ok()
        .filter(|duration| !duration.is_zero())
        .ok_or_else(|| {
            Failure::usage(format!(
                "{option} {value}: give a positive number of seconds"
            ))
        })
}

/// Subcommands that are not API actions.
#[derive(Debug, Subcommand)]
pub enum Builtin {
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Json,
    Table,
    Text,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Skeleton {
    Input,
    Output,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LanguageArg {
    #[value(name = "en-US")]
    EnUs,
    #[value(name = "zh-CN")]
    ZhCn,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    #[value(name = "POST")]
    Post,
    #[value(name = "GET")]
    Get,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SignMethodArg {
    #[value(name = "TC3-HMAC-SHA256")]
    Tc3,
    #[value(name = "HmacSHA1")]
    HmacSha1,
    #[value(name = "HmacSHA256")]
    HmacSha256,
}

/// One parameter of the action as given: its name without `--` (`Filters.0.Name`) and its
/// values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamArg {
    pub name: String,
    pub values: Vec<String>,
}

/// A command line, split.
#[derive(Debug, Default)]
pub struct Split {
    /// The tokens for clap: global options (with their values) and built-in subcommands.
    pub globals: Vec<String>,
    /// The action named, if any.
    pub action: Option<String>,
    /// The action's parameters, in order.
    pub params: Vec<ParamArg>,
    /// `--help`, `-h` or `help` was given.
    pub help: bool,
}

/// How a global option takes its value.
enum Arity {
    Flag,
    Value,
    /// Only `--name=value`.
    InlineOnly,
    /// An optional value, taken from the next token only if it is one of these.
    Optional(Vec<String>),
}

/// The long names of the global options (with `--`) and how each takes its value, as clap
/// knows them.
fn global_options() -> Vec<(String, Arity)> {
    let mut command = Globals::command();
    command.build();
    command
        .get_arguments()
        .filter_map(|arg| {
            let long = format!("--{}", arg.get_long()?);
            let arity = if !arg.get_action().takes_values() {
                Arity::Flag
            } else if arg.is_require_equals_set() {
                Arity::InlineOnly
            } else if arg.get_num_args().is_some_and(|n| n.min_values() == 0) {
                Arity::Optional(
                    arg.get_possible_values()
                        .iter()
                        .map(|v| v.get_name().to_owned())
                        .collect(),
                )
            } else {
                Arity::Value
            };
            Some((long, arity))
        })
        .collect()
}

/// tccli's options that put secrets on the command line, where every user of the machine can
/// read them (`ps`) and the shell history keeps them.
const SECRET_OPTIONS: &[&str] = &["--secretId", "--secretKey", "--token"];

/// Splits `args` (without the program name).
///
/// # Errors
///
/// A usage failure for an unknown action, a stray value after the action, or a secret given on
/// the command line.
pub fn split(args: Vec<String>) -> Result<Split, Failure> {
    let globals = global_options();
    let mut out = Split::default();
    let mut tokens = args.into_iter().peekable();
    while let Some(token) = tokens.next() {
        if out.action.is_none() && out.globals.is_empty() && token == "completions" {
            out.globals.push(token);
            out.globals.extend(tokens.by_ref());
            break;
        }
        if token == "-h" || token == "--help" {
            out.help = true;
            continue;
        }
        if token.starts_with("--") && token.len() > 2 {
            let (name, inline) = match token.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (token.as_str(), None),
            };
            if SECRET_OPTIONS.contains(&name) {
                return Err(Failure::usage(format!(
                    "{name} is not supported: a secret on the command line is visible to every \
                     user of the machine (ps) and stays in the shell history. Set \
                     TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or use a profile \
                     (~/.tccli/<profile>.credential or ~/.tencentcloud/credentials)"
                )));
            }
            if let Some((_, arity)) = globals.iter().find(|(long, _)| long == name) {
                let takes_next = inline.is_none()
                    && match arity {
                        Arity::Flag | Arity::InlineOnly => false,
                        Arity::Value => true,
                        Arity::Optional(values) => {
                            tokens.peek().is_some_and(|next| values.contains(next))
                        }
                    };
                out.globals.push(token);
                if takes_next && let Some(value) = tokens.next() {
                    out.globals.push(value);
                }
                continue;
            }
            if out.action.is_none() {
                // Not a global option, and no action yet: clap says what is wrong with it.
                out.globals.push(token);
                continue;
            }
            let name = name[2..].to_owned();
            let values = match inline {
                Some(value) => vec![value.to_owned()],
                None => {
                    let mut values = Vec::new();
                    while let Some(next) = tokens.next_if(|next| !next.starts_with("--")) {
                        values.push(next);
                    }
                    values
                }
            };
            out.params.push(ParamArg { name, values });
            continue;
        }
        if token.starts_with('-') && token.len() > 1 && out.action.is_none() {
            out.globals.push(token);
            continue;
        }
        if token == "help" {
            out.help = true;
            continue;
        }
        if out.action.is_some() {
            return Err(Failure::usage(format!(
                "unexpected value `{token}`: parameters are given as --Name value (a list as \
                 --Name a b, or as JSON: --Name '[\"a\",\"b\"]')"
            )));
        }
        if spec::spec_text(&token).is_none() {
            return Err(unknown_action(&token));
        }
        out.action = Some(token);
    }
    Ok(out)
}

/// "No such action", with the actions whose names are closest.
fn unknown_action(name: &str) -> Failure {
    let close = spec::closest(spec::action_names(), name);
    let hint = if close.is_empty() {
        "`gaap --help` lists them".to_owned()
    } else {
        format!("did you mean {}?", close.join(", "))
    };
    Failure::usage(format!("`{name}` is not a GAAP action: {hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_str(line: &str) -> Result<Split, Failure> {
        split(line.split_whitespace().map(str::to_owned).collect())
    }

    #[test]
    fn global_options_go_to_clap_before_or_after_the_action() {
        let split = split_str(
            "--region ap-guangzhou CreateTCPListeners --ProxyId link-1 --output table \
             --Ports 90 91 --dry-run --emulator --generate-cli-skeleton input",
        )
        .unwrap();
        assert_eq!(split.action.as_deref(), Some("CreateTCPListeners"));
        assert_eq!(
            split.globals,
            [
                "--region",
                "ap-guangzhou",
                "--output",
                "table",
                "--dry-run",
                "--emulator",
                "--generate-cli-skeleton",
                "input"
            ]
        );
        let params: Vec<(&str, Vec<&str>)> = split
            .params
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.values.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            params,
            [("ProxyId", vec!["link-1"]), ("Ports", vec!["90", "91"])]
        );
    }

    #[test]
    fn inline_values_and_values_that_look_like_options() {
        let split =
            split_str("DescribeProxies --Offset=-1 --Limit -5 --emulator=http://h:1").unwrap();
        assert_eq!(split.params[0].values, ["-1"]);
        assert_eq!(split.params[1].values, ["-5"]);
        assert_eq!(split.globals, ["--emulator=http://h:1"]);
    }

    #[test]
    fn help_in_every_spelling() {
        for line in [
            "CreateTCPListeners help",
            "CreateTCPListeners --help",
            "-h CreateTCPListeners",
            "help CreateTCPListeners",
        ] {
            let split = split_str(line).unwrap();
            assert!(split.help, "{line}");
            assert_eq!(
                split.action.as_deref(),
                Some("CreateTCPListeners"),
                "{line}"
            );
        }
    }

    #[test]
    fn unknown_actions_get_suggestions_and_secrets_are_refused() {
        let error = split_str("createtcplisteners").unwrap_err();
        assert!(
            error.message.contains("did you mean CreateTCPListeners"),
            "{error}"
        );
        let error = split_str("CreateTCPListener --ProxyId x").unwrap_err();
        assert!(error.message.contains("CreateTCPListeners"), "{error}");
        let error = split_str("CreateTCPListeners --secretKey abc").unwrap_err();
        assert!(error.message.contains("TENCENTCLOUD_SECRET_ID"), "{error}");
        assert!(!error.message.contains("abc"), "{error}");
        let error = split_str("CreateTCPListeners stray").unwrap_err();
        assert!(error.message.contains("`stray`"), "{error}");
    }

    #[test]
    fn completions_pass_through_to_clap() {
        let split = split_str("completions bash").unwrap();
        assert_eq!(split.globals, ["completions", "bash"]);
        assert!(split.action.is_none());
    }
}
