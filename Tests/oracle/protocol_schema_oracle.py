"""Independent check of protocol documents against protocols/protocol.schema.json with the
jsonschema package: reads YAML file paths as arguments and prints, per file, 'valid' or
'invalid <json-pointer> <message>'."""
import datetime
import json
import sys
from pathlib import Path

import jsonschema
import yaml


def plain(value):
    # YAML reads unquoted dates as dates; the protocol format holds them as text.
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def main():
    schema = json.loads((Path(__file__).resolve().parents[2] / "protocols/protocol.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for path in sys.argv[1:]:
        document = plain(yaml.safe_load(Path(path).read_text()))
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            first = errors[0]
            pointer = "/" + "/".join(str(part) for part in first.absolute_path)
            print(f"invalid {pointer} {first.message}")
        else:
            print("valid")


if __name__ == "__main__":
    main()
