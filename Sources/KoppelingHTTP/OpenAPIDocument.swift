/// The OpenAPI 3.1 document of every endpoint, served at `GET /openapi.json`. The tests check that
/// every route of the router is in it and run schemathesis against a server with it.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Koppeling",
        "version": "1.0.0",
        "description": "The link between the Flemish integration register and the Immigration Office: register, protocols as code and the purpose-bound exchange. National numbers travel in request bodies only."
      },
      "servers": [
        {
          "url": "/"
        }
      ],
      "security": [
        {
          "bearerToken": []
        },
        {
          "mutualTLS": []
        }
      ],
      "tags": [
        {
          "name": "register"
        },
        {
          "name": "protocols"
        },
        {
          "name": "exchange"
        },
        {
          "name": "operations"
        },
        {
          "name": "transparency"
        },
        {
          "name": "transparency-staff"
        },
        {
          "name": "citizen"
        },
        {
          "name": "staff"
        }
      ],
      "paths": {
        "/health/live": {
          "get": {
            "tags": ["operations"],
            "summary": "Liveness",
            "security": [],
            "responses": {"200": {"description": "The process is up.", "content": {"application/json": {"schema": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": ["live"]}}}}}}}
          }
        },
        "/health/ready": {
          "get": {
            "tags": ["operations"],
            "summary": "Readiness: database reachable, protocol store readable, log key verifies the latest checkpoint",
            "security": [],
            "responses": {"200": {"description": "Ready, with each check.", "content": {"application/json": {"schema": {"type": "object", "required": ["status", "checks"], "properties": {"status": {"type": "string", "enum": ["ready"]}, "checks": {"type": "object", "additionalProperties": {"type": "string"}}}}}}}, "503": {"description": "Not ready; the detail names the check that failed.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/metrics": {
          "get": {
            "tags": ["operations"],
            "summary": "Metrics in the Prometheus text format (no personal data in any label)",
            "security": [],
            "responses": {"200": {"description": "The metrics.", "content": {"text/plain": {"schema": {"type": "string"}}}}}
          }
        },
        "/openapi.json": {
          "get": {
            "tags": ["operations"],
            "summary": "This document",
            "security": [],
            "responses": {"200": {"description": "The OpenAPI 3.1 document.", "content": {"application/json": {"schema": {"type": "object"}}}}}
          }
        },
        "/oauth/token": {
          "post": {
            "tags": ["exchange"],
            "summary": "Access token (OAuth 2.0 client credentials, private_key_jwt, RFC 7523)",
            "security": [],
            "requestBody": {"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["grant_type", "client_assertion_type", "client_assertion"], "properties": {"grant_type": {"type": "string", "enum": ["client_credentials"]}, "client_assertion_type": {"type": "string", "enum": ["urn:ietf:params:oauth:client-assertion-type:jwt-bearer"]}, "client_assertion": {"type": "string", "description": "A JWT (EdDSA) with iss = sub = client id, aud = the token URL, exp, and a jti used once."}}}}}},
            "responses": {"200": {"description": "A short-lived access token.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenAnswer"}}}, "headers": {"Cache-Control": {"description": "no-store: answers carry personal data.", "schema": {"type": "string"}}}}, "400": {"description": "Unsupported grant type.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"description": "The assertion is missing, malformed, expired, for another audience, replayed or signed with an unknown key.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/register/events": {
          "post": {
            "tags": ["register"],
            "summary": "Store trajectory events (agency)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "description": "A JSON array or NDJSON of at most 1,000 events; all are stored or none. Idempotent by eventId.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}}, "application/x-ndjson": {"schema": {"type": "string"}}}},
            "responses": {"200": {"description": "What was stored.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventsAnswer"}}}}, "400": {"description": "Not JSON, or no events.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}, "409": {"description": "An eventId is stored with other content; nothing was stored.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "413": {"description": "More than 1,000 events.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "415": {"description": "Neither JSON nor NDJSON.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "422": {"description": "Events that are not valid, by index and member; nothing was stored.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/register/imports/kbi": {
          "post": {
            "tags": ["register"],
            "summary": "Import a MAGDA GeefDossierKBI answer (agency)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "requestBody": {"required": true, "content": {"application/xml": {"schema": {"type": "string"}}}},
            "responses": {"200": {"description": "What the dossier held and what was stored.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KBIImportAnswer"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}, "413": {"description": "Larger than 16 MiB.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "422": {"description": "Not a dossier, or a MAGDA exception; nothing was stored.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/register/persons/status": {
          "post": {
            "tags": ["register"],
            "summary": "A person's integration status (agency, staff)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PersonRequest"}}}},
            "responses": {"200": {"description": "The status with reasons and flags.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StatusAnswer"}}}}, "400": {"description": "Not the expected object, or a bad date.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "503": {"description": "The access could not be recorded in the transparency log, so nothing was shown.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}, "422": {"description": "The national number is not valid.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/register/persons/dossier": {
          "post": {
            "tags": ["register"],
            "summary": "A person's stored events (agency, staff)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PersonRequest"}}}},
            "responses": {"200": {"description": "Every stored event, in recorded order.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dossier"}}}}, "400": {"description": "Not the expected object.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "503": {"description": "The access could not be recorded in the transparency log, so nothing was shown.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}, "422": {"description": "The national number is not valid.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/protocols": {
          "get": {
            "tags": ["protocols"],
            "summary": "Published protocols (public)",
            "security": [],
            "responses": {"200": {"description": "Every published protocol version.", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/ProtocolSummary"}}}}}}
          },
          "post": {
            "tags": ["protocols"],
            "summary": "Submit a protocol version (staff)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "parameters": [{"name": "X-Koppeling-Actor", "in": "header", "required": false, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/yaml": {"schema": {"type": "string"}}}},
            "responses": {"201": {"description": "The submitted version, in review.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProtocolVersion"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}, "409": {"description": "This id and version exist already.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "413": {"description": "Larger than 1 MiB.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "422": {"description": "The document breaks rules; errors give line, path and rule.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/protocols/{id}/versions/{version}": {
          "get": {
            "tags": ["protocols"],
            "summary": "A published protocol version (public)",
            "security": [],
            "parameters": [{"$ref": "#/components/parameters/ProtocolId"}, {"$ref": "#/components/parameters/ProtocolVersion"}],
            "responses": {"200": {"description": "The version.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProtocolVersion"}}}}, "400": {"description": "The version is not a number.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "404": {"description": "Not published, or no such version.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/protocols/{id}/versions/{version}/document": {
          "get": {
            "tags": ["protocols"],
            "summary": "The publication page in Dutch (public)",
            "security": [],
            "parameters": [{"$ref": "#/components/parameters/ProtocolId"}, {"$ref": "#/components/parameters/ProtocolVersion"}],
            "responses": {"200": {"description": "A printable page.", "content": {"text/html": {"schema": {"type": "string"}}}}, "400": {"description": "The version is not a number.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "404": {"description": "Not published, or no such version.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/protocols/{id}/versions/{version}/advices": {
          "post": {
            "tags": ["protocols"],
            "summary": "Record a DPO's advice (staff)",
            "description": "Needs party, opinion, text, author, date, and the DPO's publicKey and signature over the advice statement; the key must be registered as the party's DPO key.",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "parameters": [{"$ref": "#/components/parameters/ProtocolId"}, {"$ref": "#/components/parameters/ProtocolVersion"}],
            "requestBody": {"$ref": "#/components/requestBodies/ProtocolAction"},
            "responses": {"200": {"description": "The version after the step.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProtocolVersion"}}}}, "400": {"description": "A required member is missing or malformed.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}, "404": {"description": "No such protocol version.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "409": {"description": "The step is not allowed in the version's state; errors list what is allowed.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "422": {"description": "The signature or party is not valid.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/protocols/{id}/versions/{version}/signatures": {
          "post": {
            "tags": ["protocols"],
            "summary": "Record a party's signature (staff)",
            "description": "Needs party, publicKey and signature.",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "parameters": [{"$ref": "#/components/parameters/ProtocolId"}, {"$ref": "#/components/parameters/ProtocolVersion"}],
            "requestBody": {"$ref": "#/components/requestBodies/ProtocolAction"},
            "responses": {"200": {"description": "The version after the step.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProtocolVersion"}}}}, "400": {"description": "A required member is missing or malformed.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}, "404": {"description": "No such protocol version.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "409": {"description": "The step is not allowed in the version's state; errors list what is allowed.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "422": {"description": "The signature or party is not valid.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/protocols/{id}/versions/{version}/publish": {
          "post": {
            "tags": ["protocols"],
            "summary": "Publish a signed version (staff)",
            "description": "Optional date.",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "parameters": [{"$ref": "#/components/parameters/ProtocolId"}, {"$ref": "#/components/parameters/ProtocolVersion"}],
            "requestBody": {"$ref": "#/components/requestBodies/ProtocolAction"},
            "responses": {"200": {"description": "The version after the step.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProtocolVersion"}}}}, "400": {"description": "A required member is missing or malformed.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}, "404": {"description": "No such protocol version.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "409": {"description": "The step is not allowed in the version's state; errors list what is allowed.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "422": {"description": "The signature or party is not valid.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/protocols/{id}/versions/{version}/suspend": {
          "post": {
            "tags": ["protocols"],
            "summary": "Suspend a published version (staff)",
            "description": "Needs reason.",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "parameters": [{"$ref": "#/components/parameters/ProtocolId"}, {"$ref": "#/components/parameters/ProtocolVersion"}],
            "requestBody": {"$ref": "#/components/requestBodies/ProtocolAction"},
            "responses": {"200": {"description": "The version after the step.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProtocolVersion"}}}}, "400": {"description": "A required member is missing or malformed.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}, "404": {"description": "No such protocol version.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "409": {"description": "The step is not allowed in the version's state; errors list what is allowed.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "422": {"description": "The signature or party is not valid.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/protocols/{id}/versions/{version}/reinstate": {
          "post": {
            "tags": ["protocols"],
            "summary": "Reinstate a suspended version (staff)",
            "description": "Needs reason and signatures: every party's controller's signature over the reinstatement statement, as for publishing.",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "parameters": [{"$ref": "#/components/parameters/ProtocolId"}, {"$ref": "#/components/parameters/ProtocolVersion"}],
            "requestBody": {"$ref": "#/components/requestBodies/ProtocolAction"},
            "responses": {"200": {"description": "The version after the step.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProtocolVersion"}}}}, "400": {"description": "A required member is missing or malformed.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}, "404": {"description": "No such protocol version.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "409": {"description": "The step is not allowed in the version's state; errors list what is allowed.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "422": {"description": "The signature or party is not valid.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/protocols/{id}/versions/{version}/revoke": {
          "post": {
            "tags": ["protocols"],
            "summary": "Revoke a version (staff)",
            "description": "Needs reason.",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "parameters": [{"$ref": "#/components/parameters/ProtocolId"}, {"$ref": "#/components/parameters/ProtocolVersion"}],
            "requestBody": {"$ref": "#/components/requestBodies/ProtocolAction"},
            "responses": {"200": {"description": "The version after the step.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProtocolVersion"}}}}, "400": {"description": "A required member is missing or malformed.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}, "404": {"description": "No such protocol version.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "409": {"description": "The step is not allowed in the version's state; errors list what is allowed.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "422": {"description": "The signature or party is not valid.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/exchange/lookups": {
          "post": {
            "tags": ["exchange"],
            "summary": "One purpose-bound lookup (recipient)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "description": "Decided by the protocols in force, answered with the allowed fields only, and recorded as a disclosure before the answer is sent.",
            "parameters": [{"name": "X-Request-Id", "in": "header", "required": false, "description": "The caller's request id; recorded with the disclosure and echoed.", "schema": {"type": "string", "maxLength": 200}}, {"name": "traceparent", "in": "header", "required": false, "description": "W3C trace context; recorded with the disclosure and echoed.", "schema": {"type": "string", "maxLength": 55}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LookupRequest"}}}},
            "responses": {"200": {"description": "The allowed fields.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LookupAnswer"}}}, "headers": {"Cache-Control": {"description": "no-store: answers carry personal data.", "schema": {"type": "string"}}, "X-Request-Id": {"description": "The request id, as given or made by the server.", "schema": {"type": "string"}}}}, "400": {"description": "Not the expected object, or a bad case reference.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"description": "The client's role, or no protocol authorises this client, purpose and channel now (detail says which condition failed).", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "422": {"description": "The national number or the date is not valid, or the reference date lies after today (reference-date-in-future).", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "429": {"description": "Above the client's rate.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}, "headers": {"Retry-After": {"schema": {"type": "string"}}}}, "503": {"description": "The disclosure could not be recorded, so nothing was disclosed.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/exchange/lookups/batch": {
          "post": {
            "tags": ["exchange"],
            "summary": "Up to 500 lookups (recipient)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "parameters": [{"name": "X-Request-Id", "in": "header", "required": false, "description": "The caller's request id; recorded with the disclosure and echoed.", "schema": {"type": "string", "maxLength": 200}}, {"name": "traceparent", "in": "header", "required": false, "description": "W3C trace context; recorded with the disclosure and echoed.", "schema": {"type": "string", "maxLength": 55}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchRequest"}}}},
            "responses": {"200": {"description": "Per index, the status and body a single lookup would have had.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchAnswer"}}}, "headers": {"Cache-Control": {"description": "no-store: answers carry personal data.", "schema": {"type": "string"}}}}, "400": {"description": "Not the expected object.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}, "413": {"description": "More than 500 lookups.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "429": {"description": "Above the client's rate.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}, "headers": {"Retry-After": {"schema": {"type": "string"}}}}}
          }
        },
        "/v1/transparency/checkpoint": {
          "get": {
            "tags": ["transparency"],
            "summary": "The latest signed checkpoint (C2SP tlog-checkpoint in a signed note)",
            "security": [],
            "responses": {"200": {"description": "The signed note.", "content": {"text/plain": {"schema": {"type": "string"}}}}, "404": {"description": "No checkpoint yet.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/transparency/checkpoints": {
          "get": {
            "tags": ["transparency"],
            "summary": "The checkpoint issued for a tree size",
            "security": [],
            "parameters": [{"name": "size", "in": "query", "required": true, "description": "The tree size.", "schema": {"type": "integer", "minimum": 0}}],
            "responses": {"200": {"description": "The signed note.", "content": {"text/plain": {"schema": {"type": "string"}}}}, "400": {"description": "size is missing or not a number.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "404": {"description": "No checkpoint for this size.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/transparency/key": {
          "get": {
            "tags": ["transparency"],
            "summary": "The log's public keys as signed-note verifier keys, one per line: the current key first, then retired keys (checkpoints they signed still verify)",
            "security": [],
            "responses": {"200": {"description": "Lines of NAME+KEYID+base64(0x01 || key)", "content": {"text/plain": {"schema": {"type": "string"}}}}}
          }
        },
        "/v1/transparency/proofs/inclusion": {
          "get": {
            "tags": ["transparency"],
            "summary": "Inclusion proof (RFC 9162 2.1.3)",
            "security": [],
            "parameters": [{"name": "index", "in": "query", "required": true, "description": "The entry's index.", "schema": {"type": "integer", "minimum": 0}}, {"name": "size", "in": "query", "required": true, "description": "The tree size.", "schema": {"type": "integer", "minimum": 0}}],
            "responses": {"200": {"description": "The audit path.", "content": {"application/json": {"schema": {"type": "object", "required": ["index", "size", "proof"], "properties": {"index": {"type": "integer"}, "size": {"type": "integer"}, "proof": {"type": "array", "items": {"type": "string", "description": "base64 SHA-256 hash"}}}}}}}, "400": {"description": "A parameter is missing or not a number.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "404": {"description": "Beyond the log.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/transparency/proofs/consistency": {
          "get": {
            "tags": ["transparency"],
            "summary": "Consistency proof (RFC 9162 2.1.4)",
            "security": [],
            "parameters": [{"name": "from", "in": "query", "required": true, "description": "The earlier tree size.", "schema": {"type": "integer", "minimum": 0}}, {"name": "to", "in": "query", "required": true, "description": "The later tree size.", "schema": {"type": "integer", "minimum": 0}}],
            "responses": {"200": {"description": "The proof.", "content": {"application/json": {"schema": {"type": "object", "required": ["from", "to", "proof"], "properties": {"from": {"type": "integer"}, "to": {"type": "integer"}, "proof": {"type": "array", "items": {"type": "string", "description": "base64 SHA-256 hash"}}}}}}}, "400": {"description": "A parameter is missing or not a number.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "404": {"description": "Beyond the log, or from > to.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/transparency/entries": {
          "get": {
            "tags": ["transparency-staff"],
            "summary": "Log entries start..<end, at most 1,000 (staff: DPOs and auditors)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "parameters": [{"name": "start", "in": "query", "required": true, "description": "The first index.", "schema": {"type": "integer", "minimum": 0}}, {"name": "end", "in": "query", "required": true, "description": "One past the last index.", "schema": {"type": "integer", "minimum": 0}}],
            "responses": {"200": {"description": "The entries with their leaf hashes.", "content": {"application/json": {"schema": {"type": "object", "required": ["entries"], "properties": {"entries": {"type": "array", "items": {"type": "object", "required": ["index", "entry", "leafHash"], "properties": {"index": {"type": "integer"}, "entry": {"type": "string"}, "leafHash": {"type": "string"}}}}}}}}, "headers": {"Cache-Control": {"description": "no-store: answers carry personal data.", "schema": {"type": "string"}}}}, "400": {"description": "A parameter is missing, or the range is wrong or too large.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}}
          }
        },
        "/v1/audit/disclosures/search": {
          "post": {
            "tags": ["transparency-staff"],
            "summary": "Search disclosure records (staff: the DPO)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {"clientId": {"type": "string"}, "party": {"type": "string"}, "purpose": {"type": "string"}, "outcome": {"type": "string"}, "from": {"type": "string", "description": "date or instant, inclusive"}, "to": {"type": "string", "description": "date or instant, exclusive"}, "after": {"type": "integer", "description": "the log index to continue after (paging)"}, "limit": {"type": "integer", "minimum": 1, "maximum": 1000}}}}}},
            "responses": {"200": {"description": "Matching records, oldest first; next is the index to pass as after, or null.", "content": {"application/json": {"schema": {"type": "object", "required": ["disclosures", "next"], "properties": {"disclosures": {"type": "array", "items": {"$ref": "#/components/schemas/DisclosureRecord"}}, "next": {"type": ["integer", "null"]}}}}}, "headers": {"Cache-Control": {"description": "no-store: answers carry personal data.", "schema": {"type": "string"}}}}, "400": {"description": "Not the expected object, or a bad date.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}}
          }
        },
        "/v1/citizen/disclosures": {
          "post": {
            "tags": ["citizen"],
            "summary": "Every disclosure about the person a citizen portal has authenticated (citizen-portal)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "parameters": [{"name": "format", "in": "query", "required": false, "schema": {"type": "string", "enum": ["json", "html"]}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["insz"], "description": "The report is itself recorded in the transparency log (channel citizen) before it is answered.", "properties": {"insz": {"type": "string"}, "reference": {"type": "string", "minLength": 1, "maxLength": 100, "description": "The portal's session or request reference, recorded with the access (default citizen-portal)."}}, "examples": [{"insz": "85073003328", "reference": "portal-session-1"}]}}}},
            "responses": {"200": {"description": "The disclosures with their inclusion proofs against one checkpoint (JSON), or a printable report in Dutch (format=html).", "content": {"application/json": {"schema": {"type": "object", "required": ["checkpoint", "treeSize", "logKey", "disclosures"], "properties": {"checkpoint": {"type": ["string", "null"]}, "treeSize": {"type": "integer"}, "logKey": {"type": "string"}, "retiredLogKeys": {"type": "array", "items": {"type": "string"}}, "disclosures": {"type": "array", "items": {"type": "object", "required": ["index", "disclosedAt", "recipient", "purpose", "caseReference", "fields", "outcome", "entry", "inclusionProof"]}}}}}, "text/html": {"schema": {"type": "string"}}}, "headers": {"Cache-Control": {"description": "no-store: answers carry personal data.", "schema": {"type": "string"}}}}, "400": {"description": "Not the expected object.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "503": {"description": "The access could not be recorded in the transparency log, so nothing was shown.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}, "422": {"description": "The national number is not valid.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/exchange/follows": {
          "post": {
            "tags": ["exchange"],
            "summary": "Enrol a person on the client's follow list (recipient)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "description": "Needs a protocol in force with the follow channel; until may not exceed its longest follow period. The enrolment, or its refusal, is a disclosure record.",
            "parameters": [{"name": "X-Request-Id", "in": "header", "required": false, "description": "The caller's request id; recorded with the disclosure and echoed.", "schema": {"type": "string", "maxLength": 200}}, {"name": "traceparent", "in": "header", "required": false, "description": "W3C trace context; recorded with the disclosure and echoed.", "schema": {"type": "string", "maxLength": 55}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["insz", "purpose", "caseReference", "until"], "properties": {"insz": {"type": "string"}, "purpose": {"type": "string"}, "caseReference": {"type": "string", "minLength": 1, "maxLength": 100}, "until": {"type": "string", "format": "date"}}, "examples": [{"insz": "85073003328", "purpose": "ART_1_2_INTEGRATION_EFFORTS", "caseReference": "DVZ-2026-0001", "until": "2027-06-30"}]}}}},
            "responses": {"201": {"description": "The follow (never the national number).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Follow"}}}, "headers": {"Cache-Control": {"description": "no-store: answers carry personal data.", "schema": {"type": "string"}}}}, "400": {"description": "Not the expected object, or a bad case reference.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"description": "The client's role, or no protocol authorises following (detail names the condition).", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "422": {"description": "An invalid national number, an until that is not a date, in the past, or beyond the protocol's longest follow period.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "503": {"description": "The enrolment could not be recorded.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          },
          "get": {
            "tags": ["exchange"],
            "summary": "The client's follow list (recipient)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "parameters": [{"name": "cursor", "in": "query", "required": false, "schema": {"type": "string"}}, {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}],
            "responses": {"200": {"description": "Follows in enrolment order with their state today; next is the cursor of the next page, or null.", "content": {"application/json": {"schema": {"type": "object", "required": ["follows", "next"], "properties": {"follows": {"type": "array", "items": {"$ref": "#/components/schemas/Follow"}}, "next": {"type": ["string", "null"]}}}}}, "headers": {"Cache-Control": {"description": "no-store: answers carry personal data.", "schema": {"type": "string"}}}}, "400": {"description": "A bad cursor or limit.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}}
          }
        },
        "/v1/exchange/follows/{id}/end": {
          "post": {
            "tags": ["exchange"],
            "summary": "End a follow (recipient)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "X-Request-Id", "in": "header", "required": false, "description": "The caller's request id; recorded with the disclosure and echoed.", "schema": {"type": "string", "maxLength": 200}}, {"name": "traceparent", "in": "header", "required": false, "description": "W3C trace context; recorded with the disclosure and echoed.", "schema": {"type": "string", "maxLength": 55}}],
            "responses": {"200": {"description": "The ended follow; the ending is a disclosure record.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Follow"}}}, "headers": {"Cache-Control": {"description": "no-store: answers carry personal data.", "schema": {"type": "string"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}, "404": {"description": "No such follow for this client.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "409": {"description": "The follow has ended already.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/exchange/changes": {
          "get": {
            "tags": ["exchange"],
            "summary": "The client's change notices, in sequence order (recipient)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "parameters": [{"name": "after", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0}, "description": "the last sequence number seen"}, {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}],
            "responses": {"200": {"description": "The notices after the given sequence number that the protocols allow to go out now (each pull that hands notices out is recorded in the transparency log). last is the last sequence number dealt with (resume after it), or null; notices that may never go out (protocol revoked, expired or narrowed) are passed over; held names the first notice held back (protocol suspended, client disabled), which stops the page.", "content": {"application/json": {"schema": {"type": "object", "required": ["notices", "last"], "properties": {"notices": {"type": "array", "items": {"type": "object", "required": ["sequence", "followId", "subject", "caseReference", "protocol", "recordedAt", "changed", "current", "disclosureId"]}}, "last": {"type": ["integer", "null"]}, "held": {"type": "object", "required": ["sequence", "reason"], "properties": {"sequence": {"type": "integer"}, "reason": {"type": "string"}}}}}}}, "headers": {"Cache-Control": {"description": "no-store: answers carry personal data.", "schema": {"type": "string"}}}}, "400": {"description": "A bad after or limit.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}}
          }
        },
        "/v1/exchange/webhook/replay": {
          "post": {
            "tags": ["exchange"],
            "summary": "Deliver the client's notices to its webhook again from a sequence number (recipient)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["from"], "properties": {"from": {"type": "integer", "minimum": 1}}}}}},
            "responses": {"200": {"description": "Delivery restarts there.", "content": {"application/json": {"schema": {"type": "object", "required": ["replayFrom"], "properties": {"replayFrom": {"type": "integer"}}}}}}, "400": {"description": "Not the expected object.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}, "404": {"description": "The client has no webhook endpoint.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/staff/clients/{id}/webhook": {
          "post": {
            "tags": ["staff"],
            "summary": "Register or rotate a recipient's webhook (staff); the secret is shown once",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}, "overlapHours": {"type": "integer", "minimum": 0, "maximum": 720}}, "examples": [{"url": "https://dvz.example/koppeling/notices", "overlapHours": 24}]}}}},
            "responses": {"201": {"description": "The endpoint and its new secret.", "content": {"application/json": {"schema": {"type": "object", "required": ["clientId", "url", "secret", "previousSecretValidUntil"], "properties": {"clientId": {"type": "string"}, "url": {"type": "string"}, "secret": {"type": "string"}, "previousSecretValidUntil": {"type": ["string", "null"]}}}}}, "headers": {"Cache-Control": {"description": "no-store: answers carry personal data.", "schema": {"type": "string"}}}}, "400": {"description": "Not the expected object.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}, "404": {"description": "No recipient client with this id.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "422": {"description": "Not an http(s) URL.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/staff/webhooks": {
          "get": {
            "tags": ["staff"],
            "summary": "Every webhook endpoint with its delivery state, for operators (staff)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "responses": {"200": {"description": "Endpoints; disabled ones keep their last error.", "content": {"application/json": {"schema": {"type": "object", "required": ["webhooks"], "properties": {"webhooks": {"type": "array", "items": {"type": "object", "required": ["clientId", "url", "deliveredSequence", "attempts", "disabled", "nextAttemptAt", "failingSince", "lastError"]}}}}}}, "headers": {"Cache-Control": {"description": "no-store: answers carry personal data.", "schema": {"type": "string"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}}
          }
        },
        "/v1/exchange/batches": {
          "get": {
            "tags": ["exchange"],
            "summary": "The client's batch files (recipient)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "responses": {"200": {"description": "Batches, oldest first, and the Ed25519 key (base64) that verifies their manifests.", "content": {"application/json": {"schema": {"type": "object", "required": ["batches", "manifestKey"], "properties": {"batches": {"type": "array", "items": {"type": "object", "required": ["id", "createdAt", "firstSequence", "lastSequence", "recordCount", "href", "manifestHref"]}}, "manifestKey": {"type": "string"}, "retiredManifestKeys": {"type": "array", "items": {"type": "string"}}}}}}, "headers": {"Cache-Control": {"description": "no-store: answers carry personal data.", "schema": {"type": "string"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}}
          }
        },
        "/v1/exchange/batches/{id}": {
          "get": {
            "tags": ["exchange"],
            "summary": "A batch file: NDJSON, one change notice per line (recipient)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The file.", "content": {"application/x-ndjson": {"schema": {"type": "string"}}}, "headers": {"Cache-Control": {"description": "no-store: answers carry personal data.", "schema": {"type": "string"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"description": "The client's role may not use this endpoint, or no protocol authorises handing out this batch now (no-protocol-authorises).", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "404": {"description": "No such batch for this client.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}, "503": {"description": "The download could not be recorded, so nothing was handed out.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        },
        "/v1/exchange/batches/{id}/manifest": {
          "get": {
            "tags": ["exchange"],
            "summary": "A batch's manifest signed with Ed25519 (recipient)",
            "security": [{"bearerToken": []}, {"mutualTLS": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The signed manifest.", "content": {"application/json": {"schema": {"type": "object", "required": ["manifest", "signature", "keyFingerprint"]}}}, "headers": {"Cache-Control": {"description": "no-store: answers carry personal data.", "schema": {"type": "string"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}, "429": {"$ref": "#/components/responses/RateLimited"}, "403": {"$ref": "#/components/responses/RoleNotAllowed"}, "404": {"description": "No such batch for this client.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
          }
        }
      },
      "components": {
        "schemas": {
          "Problem": {
            "type": "object",
            "description": "RFC 9457 problem details; never personal data.",
            "required": ["type", "title", "status"],
            "properties": {"type": {"type": "string", "description": "A stable URI urn:koppeling:problem:*"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"}, "instance": {"type": "string"}, "errors": {"type": "array", "items": {"type": "object", "required": ["reason"], "properties": {"index": {"type": "integer"}, "line": {"type": "integer"}, "pointer": {"type": "string"}, "reason": {"type": "string"}}}}}
          },
          "Event": {
            "type": "object",
            "description": "One trajectory event; see docs/events.md for every type and its data.",
            "required": ["eventId", "insz", "type", "effectiveDate", "source", "data"],
            "properties": {"eventId": {"type": "string", "format": "uuid"}, "insz": {"type": "string"}, "type": {"type": "string"}, "effectiveDate": {"type": "string", "format": "date"}, "source": {"type": "string"}, "data": {"type": "object"}, "recordedAt": {"type": "string", "format": "date-time"}, "retracts": {"type": "string", "format": "uuid"}}
          },
          "EventsAnswer": {
            "type": "object",
            "required": ["received", "stored", "alreadyPresent"],
            "properties": {"received": {"type": "integer"}, "stored": {"type": "integer"}, "alreadyPresent": {"type": "integer"}, "recordedAt": {"type": "string", "format": "date-time"}}
          },
          "KBIImportAnswer": {
            "type": "object",
            "required": ["version", "eventsInDossier", "stored", "alreadyPresent", "unmapped", "warnings", "ignoredSections"],
            "properties": {"version": {"type": "string"}, "eventsInDossier": {"type": "integer"}, "stored": {"type": "integer"}, "alreadyPresent": {"type": "integer"}, "unmapped": {"type": "array", "items": {"type": "object", "required": ["path", "value", "note"], "properties": {"path": {"type": "string"}, "value": {"type": "string"}, "note": {"type": "string"}}}}, "warnings": {"type": "array", "description": "Optional elements that were absent (the event carries what is known), and MAGDA's warnings.", "items": {"type": "object", "required": ["path", "line", "message"], "properties": {"path": {"type": "string"}, "line": {"type": "integer"}, "message": {"type": "string"}}}}, "ignoredSections": {"type": "array", "items": {"type": "string"}}}
          },
          "PersonRequest": {
            "type": "object",
            "required": ["insz", "purpose", "caseReference"],
            "description": "Every read is recorded in the transparency log (client, person as pseudonym, purpose, case reference) before it is answered.",
            "examples": [{"insz": "85073003328", "purpose": "TRAJECTORY_GUIDANCE", "caseReference": "AGII-2026-0042", "referenceDate": "2026-11-01"}],
            "properties": {"insz": {"type": "string", "description": "The national number (11 digits; punctuation allowed)."}, "purpose": {"type": "string", "enum": ["TRAJECTORY_GUIDANCE", "ENFORCEMENT", "DATA_QUALITY", "SUBJECT_REQUEST", "SUPERVISION"], "description": "Why the register is read."}, "caseReference": {"type": "string", "minLength": 1, "maxLength": 100, "description": "The case or work reference the read belongs to."}, "referenceDate": {"type": "string", "format": "date", "description": "Default: today (Europe/Brussels)."}, "knownAt": {"type": "string", "format": "date-time", "description": "Answer as the register knew it then."}}
          },
          "StatusAnswer": {
            "type": "object",
            "description": "The status on the reference date with its reasons (in Dutch and French) and flags. For status unknown (no file) every flag is null.",
            "required": ["insz", "referenceDate", "status", "statusTerm", "since", "reasons", "flags"],
            "properties": {"insz": {"type": "string"}, "referenceDate": {"type": "string", "format": "date"}, "status": {"$ref": "#/components/schemas/StatusCode"}, "statusTerm": {"$ref": "#/components/schemas/Bilingual"}, "since": {"type": ["string", "null"], "format": "date"}, "reasons": {"type": "array", "items": {"type": "object", "required": ["code", "text", "legalReference"], "properties": {"code": {"type": "string"}, "text": {"$ref": "#/components/schemas/Bilingual"}, "legalReference": {"type": "string"}}}}, "flags": {"type": "object", "required": ["infringementClosedWithoutFollowUp", "openInfringement", "infringementTermExpired", "infringementOtherAuthority", "finesDecided", "lastFineDecidedOn", "postponed", "postponementOpenEndedReview"], "properties": {"infringementClosedWithoutFollowUp": {"type": ["boolean", "null"]}, "openInfringement": {"type": ["boolean", "null"], "description": "An infringement reported to ABB without a decision or rectification, within the term for a fine."}, "infringementTermExpired": {"type": ["boolean", "null"], "description": "An infringement reported to ABB whose term for a fine passed without a decision."}, "infringementOtherAuthority": {"type": ["boolean", "null"], "description": "An undecided infringement reported to VDAB, OCMW or VMSW."}, "finesDecided": {"type": ["integer", "null"]}, "lastFineDecidedOn": {"type": ["string", "null"], "format": "date"}, "postponed": {"type": ["boolean", "null"]}, "postponementOpenEndedReview": {"type": ["boolean", "null"], "description": "A postponement without an end date running longer than the review period."}}}}
          },
          "Bilingual": {
            "type": "object",
            "description": "A text in Dutch and French.",
            "required": ["nl", "fr"],
            "properties": {"nl": {"type": "string"}, "fr": {"type": "string"}}
          },
          "StatusCode": {
            "type": "string",
            "description": "BRIEF section 3, first matching rule: unknown (niet gekend: no file), not_in_target_group (geen doelgroep), outside_flemish_obligation (buiten Vlaamse inburgeringsplicht: Brussels, Wallonia or abroad), entitled_not_obliged (rechthebbend), exempt (vrijgesteld), fulfilled_certificate (inburgeringsattest), fulfilled_effort_statement (verklaring van geleverde inspanningen), suspended (uitstel / opschorting), registration_window_open (aanmeldingstermijn loopt), non_compliant_fined (beboet), infringement_pending (inbreuk vastgesteld), registration_overdue (niet tijdig aangemeld), in_trajectory (in traject), undetermined (doelgroep niet bepaald: a file that no rule places).",
            "enum": ["unknown", "not_in_target_group", "outside_flemish_obligation", "entitled_not_obliged", "exempt", "fulfilled_certificate", "fulfilled_effort_statement", "suspended", "registration_window_open", "non_compliant_fined", "infringement_pending", "registration_overdue", "in_trajectory", "undetermined"]
          },
          "Dossier": {
            "type": "object",
            "required": ["insz", "events"],
            "properties": {"insz": {"type": "string"}, "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}}
          },
          "ProtocolSummary": {
            "type": "object",
            "required": ["id", "version", "title", "state", "inForce", "validFrom", "validUntil", "digest", "href", "documentHref"],
            "properties": {"id": {"type": "string"}, "version": {"type": "integer"}, "title": {"type": "string"}, "state": {"$ref": "#/components/schemas/ProtocolState"}, "inForce": {"type": "boolean"}, "publishedOn": {"type": "string", "format": "date"}, "validFrom": {"type": "string", "format": "date"}, "validUntil": {"type": "string", "format": "date"}, "digest": {"type": "string"}, "href": {"type": "string"}, "documentHref": {"type": "string"}}
          },
          "ProtocolState": {
            "type": "string",
            "enum": ["draft", "in_review", "advised", "signed", "published", "suspended", "revoked", "superseded"]
          },
          "ProtocolVersion": {
            "type": "object",
            "description": "A protocol version with its advices, signatures, history and document (see docs/protocols.md).",
            "required": ["id", "version", "state", "inForce", "digest", "allowedActions", "advices", "signatures", "history", "document"],
            "properties": {"id": {"type": "string"}, "version": {"type": "integer"}, "state": {"$ref": "#/components/schemas/ProtocolState"}, "inForce": {"type": "boolean"}, "publishedOn": {"type": "string", "format": "date"}, "digest": {"type": "string"}, "allowedActions": {"type": "array", "items": {"type": "string"}}, "advices": {"type": "array", "items": {"type": "object"}}, "signatures": {"type": "array", "items": {"type": "object"}}, "history": {"type": "array", "items": {"type": "object"}}, "document": {"type": "object"}}
          },
          "ProtocolAction": {
            "type": "object",
            "description": "The body of a workflow step; which members are required depends on the step.",
            "properties": {"actor": {"type": "string", "description": "The person acting, recorded with the client."}, "reason": {"type": "string"}, "date": {"type": "string", "format": "date"}, "party": {"type": "string"}, "opinion": {"type": "string", "enum": ["favourable", "conditional", "unfavourable"]}, "text": {"type": "string"}, "author": {"type": "string"}, "publicKey": {"type": "string", "description": "base64 Ed25519 public key: the controller's for a signature, the DPO's for an advice"}, "signature": {"type": "string", "description": "base64 Ed25519 signature: of the document digest (signatures), or of the advice statement by the party's DPO (advices; see docs/protocols.md)"}, "signatures": {"type": "array", "description": "Reinstatement: every party's controller's signature over the reinstatement statement.", "items": {"type": "object", "required": ["party", "publicKey", "signature"], "properties": {"party": {"type": "string"}, "publicKey": {"type": "string"}, "signature": {"type": "string"}}}}}
          },
          "TokenAnswer": {
            "type": "object",
            "required": ["access_token", "token_type", "expires_in", "scope"],
            "properties": {"access_token": {"type": "string"}, "token_type": {"type": "string", "enum": ["Bearer"]}, "expires_in": {"type": "integer"}, "scope": {"type": "string"}}
          },
          "LookupRequest": {
            "type": "object",
            "required": ["insz", "purpose", "caseReference"],
            "examples": [{"insz": "85073003328", "purpose": "ART_1_2_INTEGRATION_EFFORTS", "caseReference": "DVZ-2026-0001", "referenceDate": "2026-11-01"}],
            "properties": {"insz": {"type": "string"}, "purpose": {"type": "string", "examples": ["ART_1_2_INTEGRATION_EFFORTS"]}, "caseReference": {"type": "string", "minLength": 1, "maxLength": 100}, "referenceDate": {"type": "string", "format": "date", "description": "Default: today (Europe/Brussels); a later day is refused (422)."}}
          },
          "LookupAnswer": {
            "type": "object",
            "required": ["disclosureId", "protocol", "referenceDate", "result"],
            "properties": {"disclosureId": {"type": "string", "format": "uuid"}, "protocol": {"type": "object", "required": ["id", "version"], "properties": {"id": {"type": "string"}, "version": {"type": "integer"}}}, "referenceDate": {"type": "string", "format": "date"}, "result": {"type": "object", "description": "Only the fields the protocol allows, named as in BRIEF section 4. For status unknown (no file) every field but insz and status is null; null elsewhere means the register holds nothing (no result yet, not applicable).", "properties": {"insz": {"type": "string"}, "status": {"$ref": "#/components/schemas/StatusCode"}, "statusSince": {"type": ["string", "null"], "format": "date"}, "contractSignedOn": {"type": ["string", "null"], "format": "date"}, "certificateIssuedOn": {"type": ["string", "null"], "format": "date"}, "highestDutchLevel": {"type": ["string", "null"]}, "socialOrientationMet": {"type": ["boolean", "null"]}, "dutchMet": {"type": ["boolean", "null"]}, "routeToWorkMet": {"type": ["boolean", "null"]}, "participationMet": {"type": ["boolean", "null"]}, "openInfringement": {"type": ["boolean", "null"]}, "finesDecided": {"type": ["integer", "null"]}, "lastFineDecidedOn": {"type": ["string", "null"], "format": "date"}, "postponedOrSuspended": {"type": ["boolean", "null"]}, "waitingForCourse": {"type": ["boolean", "null"]}, "exempt": {"type": ["boolean", "null"]}, "exemptionCategory": {"type": ["string", "null"]}, "followingAgency": {"type": ["string", "null"], "description": "The agency's name, or its code (enterprise number) where the agency table lacks it."}}}}
          },
          "BatchRequest": {
            "type": "object",
            "required": ["lookups"],
            "properties": {"lookups": {"type": "array", "minItems": 1, "maxItems": 500, "items": {"$ref": "#/components/schemas/LookupRequest"}}}
          },
          "BatchAnswer": {
            "type": "object",
            "required": ["answers"],
            "properties": {"answers": {"type": "array", "items": {"type": "object", "required": ["index", "status", "body"], "properties": {"index": {"type": "integer"}, "status": {"type": "integer"}, "body": {"oneOf": [{"$ref": "#/components/schemas/LookupAnswer"}, {"$ref": "#/components/schemas/Problem"}]}}}}}
          },
          "DisclosureRecord": {
            "type": "object",
            "description": "A disclosure record as stored in the log (docs/transparency.md), with its log index.",
            "required": ["index", "disclosureId", "at", "clientId", "party", "purpose", "channel", "caseReference", "fields", "outcome", "referenceDate", "subjectPseudonym", "requestId"],
            "properties": {"index": {"type": "integer"}, "disclosureId": {"type": "string"}, "at": {"type": "string"}, "clientId": {"type": "string"}, "party": {"type": "string"}, "purpose": {"type": "string"}, "channel": {"type": "string"}, "caseReference": {"type": "string"}, "protocolId": {"type": "string"}, "protocolVersion": {"type": "integer"}, "fields": {"type": "array", "items": {"type": "string"}}, "outcome": {"type": "string"}, "referenceDate": {"type": "string"}, "subjectPseudonym": {"type": "string"}, "requestId": {"type": "string"}, "traceparent": {"type": "string"}}
          },
          "Follow": {
            "type": "object",
            "required": ["id", "subject", "purpose", "caseReference", "until", "state", "protocol", "createdAt", "endedAt"],
            "properties": {"id": {"type": "string", "format": "uuid"}, "subject": {"type": "string", "description": "the keyed pseudonym of the national number"}, "purpose": {"type": "string"}, "caseReference": {"type": "string"}, "until": {"type": "string", "format": "date"}, "state": {"type": "string", "enum": ["active", "ended", "expired", "protocol_not_in_force"]}, "protocol": {"type": "object", "required": ["id", "version"], "properties": {"id": {"type": "string"}, "version": {"type": "integer"}}}, "createdAt": {"type": "string"}, "endedAt": {"type": ["string", "null"]}, "disclosureId": {"type": "string", "format": "uuid"}}
          }
        },
        "responses": {
          "Unauthorized": {
            "description": "No valid client credentials (a Bearer access token or a registered client certificate).",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
          },
          "RateLimited": {
            "description": "Above the client's budget of requests a minute for its role; retry after the seconds given.",
            "headers": {"Retry-After": {"schema": {"type": "string"}}},
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
          },
          "RoleNotAllowed": {
            "description": "The client's role may not use this endpoint.",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
          }
        },
        "parameters": {
          "ProtocolId": {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {"type": "string"}
          },
          "ProtocolVersion": {
            "name": "version",
            "in": "path",
            "required": true,
            "schema": {"type": "integer", "minimum": 1}
          }
        },
        "requestBodies": {
          "ProtocolAction": {
            "required": false,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProtocolAction"}}}
          }
        },
        "securitySchemes": {
          "bearerToken": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "An access token from POST /oauth/token."
          },
          "mutualTLS": {
            "type": "mutualTLS",
            "description": "A client certificate issued by the configured CA and registered for the client."
          }
        }
      }
    }
    """#
}
