"""Checks the served OpenAPI document against the repository's openapi.yaml: the same document,
and valid OpenAPI 3.1 by openapi-spec-validator. Usage: check_openapi.py openapi.yaml served.json
Prints what differs or what is invalid, and exits 1; prints "ok" and exits 0 otherwise."""
import json
import sys

import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

with open(sys.argv[1], encoding="utf-8") as f:
    written = yaml.safe_load(f)
with open(sys.argv[2], encoding="utf-8") as f:
    served = json.load(f)
if written != served:
    for key in sorted(set(written) | set(served)):
        if written.get(key) != served.get(key):
            print(f"differs at {key}: run scripts/generate-openapi")
    sys.exit(1)
try:
    validate(written)
except OpenAPIValidationError as error:
    print(f"invalid OpenAPI 3.1: {error}")
    sys.exit(1)
print("ok")
