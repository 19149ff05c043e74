//! `gaap-import`: writes `specs/*.json` for every action of the reference API description,
//! merging the hand-written overlay, and the extracted overlay and constraints report beside
//! them. Usage and formats: `specs/README.md`, "Importing the specs".

mod extract;
mod import;
mod json;
mod overlay;
mod reference;
mod report;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

/// Import the GAAP reference API description into spec files.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// The directory of the reference inputs (api.json, examples.json, error-codes.json).
    #[arg(long, default_value = "reference")]
    reference: PathBuf,
    /// The hand-written overlay directory.
    #[arg(long, default_value = "specs/overlay")]
    overlay: PathBuf,
    /// Where the spec files go (one `<Action>.json` each).
    #[arg(long, default_value = "specs")]
    out: PathBuf,
    /// Where the extracted overlay goes (regenerated each run); default `<overlay>/extracted`.
    #[arg(long)]
    extracted: Option<PathBuf>,
    /// Where the constraints report goes; default `<out>/constraints-report.md`.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Write nothing; fail if any output file differs from what is there.
    #[arg(long)]
    check: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(problems) => {
            for p in &problems {
                eprintln!("error: {p}");
            }
            eprintln!("gaap-import: {} problem(s)", problems.len());
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), Vec<String>> {
    let reference = reference::Reference::read(&args.reference).map_err(|e| vec![e])?;
    let overlay = overlay::Overlay::read(&args.overlay).map_err(|e| vec![e])?;
    let imported = import::run(&reference, &overlay)?;
    let report = report::render(&imported.records);
    let unexplained = report::left_out(&imported.records)
        .iter()
        .filter(|(_, _, why)| why == report::UNEXPLAINED)
        .count();
    if unexplained > 0 {
        eprintln!(
            "warning: {unexplained} sentence(s) look like constraints but were neither extracted \
             nor explained by a `note` in the overlay (see the report)"
        );
    }

    let extracted_dir = args
        .extracted
        .clone()
        .unwrap_or_else(|| args.overlay.join("extracted"));
    let report_path = args
        .report
        .clone()
        .unwrap_or_else(|| args.out.join("constraints-report.md"));

    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for (action, text) in &imported.specs {
        files.push((args.out.join(format!("{action}.json")), text.clone()));
    }
    for (rel, text) in &imported.extracted {
        files.push((extracted_dir.join(rel), text.clone()));
    }
    files.push((report_path, report));

    // Stale outputs: spec files and extracted files no longer produced.
    let mut stale = Vec::new();
    for dir in [
        args.out.clone(),
        extracted_dir.clone(),
        extracted_dir.join("types"),
    ] {
        for path in json_files(&dir) {
            if !files.iter().any(|(p, _)| *p == path) {
                stale.push(path);
            }
        }
    }

    if args.check {
        let mut problems = Vec::new();
        for (path, text) in &files {
            match std::fs::read_to_string(path) {
                Ok(existing) if existing == *text => {}
                Ok(_) => problems.push(format!("{} differs from the import", path.display())),
                Err(e) => problems.push(format!("{}: {e}", path.display())),
            }
        }
        for path in stale {
            problems.push(format!("{} is not produced by the import", path.display()));
        }
        return if problems.is_empty() {
            eprintln!("gaap-import: {} files up to date", files.len());
            Ok(())
        } else {
            Err(problems)
        };
    }

    for path in stale {
        std::fs::remove_file(&path).map_err(|e| vec![format!("{}: {e}", path.display())])?;
    }
    for (path, text) in &files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| vec![format!("{}: {e}", parent.display())])?;
        }
        std::fs::write(path, text).map_err(|e| vec![format!("{}: {e}", path.display())])?;
    }
    eprintln!(
        "gaap-import: wrote {} specs, {} extracted overlay files and the report",
        imported.specs.len(),
        imported.extracted.len()
    );
    Ok(())
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
        .collect();
    out.sort();
    out
}
