#!/usr/bin/env python3
"""Fails when a relative link in README.md or docs/**/*.md points at a file that does not exist or
at a heading the target does not have (GitHub's anchor rules), so the guide's tutorial index and
cross-references keep working as pages change.

    check_doc_links.py REPO_ROOT
"""
import pathlib
import re
import sys

FENCE = re.compile(r"^```.*?^```", re.S | re.M)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(path):
    """GitHub's anchors of a Markdown file: lower case, punctuation dropped, spaces to hyphens,
    repeats numbered -1, -2, ..."""
    seen, out = {}, set()
    for line in FENCE.sub("", path.read_text()).splitlines():
        m = re.match(r"#+\s+(.*?)\s*#*$", line)
        if not m:
            continue
        slug = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def main():
    root = pathlib.Path(sys.argv[1]).resolve()
    files = [root / "README.md"] + sorted((root / "docs").rglob("*.md"))
    bad, count = [], 0
    for f in files:
        text = FENCE.sub("", f.read_text())
        text = re.sub(r"`[^`\n]*`", "", text)  # inline code is not a link
        for m in LINK.finditer(text):
            link = m.group(1)
            if re.match(r"[a-z]+:", link):  # http:, https:, mailto:
                continue
            count += 1
            path, _, anchor = link.partition("#")
            target = (f.parent / path).resolve() if path else f
            where = f"{f.relative_to(root)}: {link}"
            if not target.exists():
                bad.append(f"{where}: no such file")
            elif anchor and target.suffix == ".md" and anchor not in anchors(target):
                bad.append(f"{where}: no heading with that anchor")
    print(f"{count} relative links in {len(files)} files, {len(bad)} broken")
    for b in bad:
        print("  " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
