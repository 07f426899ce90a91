"""Validates JSON documents against a JSON Schema with Debian's python3-jsonschema.

usage: validate_json.py SCHEMA [--lines] < DOCUMENT
--lines validates every line as its own document (JSON Lines). Prints each error with its path
and exits 1 when any document is invalid."""
import json
import pathlib
import sys

import jsonschema


def main():
    schema_path = pathlib.Path(sys.argv[1])
    schema = json.load(open(schema_path))
    # Sibling schemas are referenced by relative $ref; resolve them locally, never by network.
    store = {}
    for sibling in schema_path.parent.glob("*.schema.json"):
        document = json.load(open(sibling))
        store[document["$id"]] = document
    lines = "--lines" in sys.argv[2:]
    text = sys.stdin.read()
    documents = [json.loads(line) for line in text.splitlines() if line.strip()] if lines else [json.loads(text)]
    resolver = jsonschema.RefResolver.from_schema(schema, store=store)
    validator = jsonschema.Draft202012Validator(schema, resolver=resolver)
    failed = False
    for number, document in enumerate(documents, 1):
        for error in validator.iter_errors(document):
            failed = True
            path = "/".join(str(part) for part in error.absolute_path)
            print(f"document {number}: /{path}: {error.message}")
    print(f"{len(documents)} document(s) checked")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
