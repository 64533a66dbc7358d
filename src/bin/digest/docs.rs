//! `digest completions` and `digest man`: both generated from the clap definition in `cli`,
//! so they list exactly the commands and options the parser accepts.

use anyhow::Result;
use clap::CommandFactory;

use crate::EXIT_OK;
use crate::cli::Cli;

/// Prints the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Result<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "digest", &mut out);
    write_stdout(&out)
}

/// Prints the man page: the main page with every subcommand's section appended.
pub fn man() -> Result<u8> {
    let command = Cli::command();
    let mut out = Vec::new();
    let man = clap_mangen::Man::new(command.clone());
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    man.render_subcommands_section(&mut out)?;
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("digest {}", sub.get_name());
        let page = clap_mangen::Man::new(sub.clone().bin_name(name.clone()).display_name(name.clone()));
        // Each subcommand as a section of its own (its headings one level down): synopsis,
        // options, and its examples.
        let mut section = Vec::new();
        page.render_synopsis_section(&mut section)?;
        page.render_options_section(&mut section)?;
        if sub.get_after_help().is_some() {
            page.render_extra_section(&mut section)?;
        }
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        let text = String::from_utf8_lossy(&section).replace(".SH EXTRA", ".SS Examples").replace(".SH ", ".SS ");
        out.extend_from_slice(format!(".SH \"{}\"\n{}\n", name.to_uppercase(), about.replace('\n', " ")).as_bytes());
        out.extend_from_slice(text.as_bytes());
    }
    let mut extra = Vec::new();
    man.render_extra_section(&mut extra)?;
    out.extend_from_slice(
        String::from_utf8_lossy(&extra).replace(".SH EXTRA", ".SH \"EXIT STATUS AND ENVIRONMENT\"").as_bytes(),
    );
    man.render_version_section(&mut out)?;
    write_stdout(&out)
}

fn write_stdout(bytes: &[u8]) -> Result<u8> {
    out!("{}", String::from_utf8_lossy(bytes).trim_end());
    Ok(EXIT_OK)
}
