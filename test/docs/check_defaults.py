#!/usr/bin/env python3
"""Every default a tool's --help states (taken there from the tool's options struct) is the one its
manual page states, and every default the manual page or the tool's guide states is the one --help
prints. usage: check_defaults.py SOURCE_DIR BIN_DIR"""
import re
import subprocess
import sys

# tool -> the guide whose option table may state defaults too
GUIDES = {"ljmm-inspect": "docs/user-guide.md", "ljmm-trace": "docs/trace.md", "ljmm-check": None}

# "(default 120)", "(seconds, default 60)", "default: the terminal's, else ...", "; default 65536;"
DEFAULT = re.compile(r"\bdefault\b:?\s+([^;,()]+)")
LONG_OPTION = re.compile(r"--[a-z][a-z0-9-]*")


def stated_default(text):
    match = DEFAULT.search(text)
    return " ".join(match.group(1).split()).rstrip(".") if match else None


def help_defaults(help_text):
    """CLI11's help: an option's line starts with "  -", its description may continue below."""
    entries = []
    for line in help_text.splitlines():
        if re.match(r"^  -", line):
            names = line.split()[0].split(",")
            entries.append([[n for n in names if n.startswith("--")], line[len(line.split()[0]) + 2 :]])
        elif entries and line.startswith("    "):
            entries[-1][1] += " " + line.strip()
        else:
            entries.append([[], ""])  # a heading or the footer ends the option above
    return {names[0]: value for names, text in entries if names and (value := stated_default(text))}


def roff_text(line):
    """A line of man(7) source as it reads: macros dropped, escapes resolved."""
    line = re.sub(r"^\.(B|I|BI|BR|IR|RB|RI|IB)\s+", "", line)
    line = re.sub(r'\\f[BIRP]|\\&|"', "", line).replace("\\-", "-")
    return line


def man_defaults(page_text):
    """Each .TP entry of OPTIONS: the tag line names the options, the lines below describe them."""
    section, entries, tag_next = None, [], False
    for line in page_text.splitlines():
        if line.startswith(".SH"):
            section, tag_next = line[3:].strip(), False
            continue
        if section != "OPTIONS":
            continue
        if line.startswith(".TP"):
            tag_next = True
        elif tag_next:
            entries.append([LONG_OPTION.findall(roff_text(line)), ""])
            tag_next = False
        elif entries and not line.startswith(".PP"):
            entries[-1][1] += " " + roff_text(line)
    return {names[0]: value for names, text in entries if names and (value := stated_default(text))}


def guide_defaults(markdown):
    """Rows of the guide's option tables: | `--grace S` | ... (default 120) |"""
    found = {}
    for line in markdown.splitlines():
        cells = line.split("|")
        if len(cells) < 3 or not cells[1].strip().startswith("`-"):
            continue
        names = LONG_OPTION.findall(cells[1])
        value = stated_default(" ".join(cells[2:]).replace("`", ""))
        if names and value:
            found[names[0]] = value
    return found


def compare(tool, help_stated, where, stated, complete):
    problems = []
    for option, value in sorted(stated.items()):
        if option not in help_stated:
            problems.append(f"{where}: {option} default {value!r}, but {tool} --help states none")
        elif help_stated[option] != value:
            problems.append(f"{where}: {option} default {value!r}, {tool} --help says {help_stated[option]!r}")
    if complete:
        for option, value in sorted(help_stated.items()):
            if option not in stated:
                problems.append(f"{where}: says nothing of {option}'s default ({tool} --help: {value!r})")
    return problems


def main():
    source_dir, bin_dir = sys.argv[1], sys.argv[2]
    problems = []
    for tool, guide in GUIDES.items():
        help_text = subprocess.run([f"{bin_dir}/{tool}", "--help"], check=True, capture_output=True, text=True).stdout
        help_stated = help_defaults(help_text)
        page = f"docs/man/{tool}.1"
        with open(f"{source_dir}/{page}") as file:
            problems += compare(tool, help_stated, page, man_defaults(file.read()), complete=True)
        if guide:
            with open(f"{source_dir}/{guide}") as file:
                problems += compare(tool, help_stated, guide, guide_defaults(file.read()), complete=False)
    for problem in problems:
        print(problem)
    if not problems:
        print("the defaults of --help, the manual pages and the guides agree")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
