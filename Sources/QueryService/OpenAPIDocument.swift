// The OpenAPI 3.1 description of Lumbung's HTTP API, served at `GET /openapi.yaml`.
//
// KEEP IT COMPLETE: every route registered in `buildRouter` must have its path and method here
// (`OpenAPITests` compares the router's routes with this document, and `Tests/python/
// test_openapi.py` validates it and runs schemathesis against a live server). Whoever adds a
// route (an audit controller, the portal's `GET /` returning text/html, ...) adds its path here
// in the same change: parameters with their types and limits, the request body's schema as its
// parser reads it (`additionalProperties: false` where unknown fields are refused), every
// response with its schema, and every error status as `application/problem+json`
// (`#/components/responses/...`). Public routes say `security: []`; protected ones name the
// roles in `security` and in `x-lumbung-roles`.
//
// A Swift string rather than a SwiftPM resource, so that the binary serves it with no files
// beside it. It is a raw string: write regular expressions with single backslashes.

/// The OpenAPI 3.1 description of the HTTP API, served at `/openapi.yaml`.
enum OpenAPIDocument {
    static let yaml = #"""
        openapi: 3.1.0
        info:
          title: Lumbung
          version: 0.1.0
          summary: Event store and read models for the public services of Kota Mataram.
          description: |
            Lumbung ("granary") keeps every fact it is told as an immutable event in an append-only,
            hash-chained log and serves read models of three quick wins of Kota Mataram's Smart City
            masterplan: aid logistics, document tracking ("cek resi") and market prices.

            **Errors** are RFC 9457 `application/problem+json` objects with `type`, `title`, `status`,
            `detail`, and `errors` (one entry per field at fault) for validation failures. Status codes:
            400 bad input, 401 no or invalid key, 403 wrong role (or a write sent to a read-only replica),
            404 not found, 409 expected-version or event-id conflict, 413 too large, 422 a domain rule
            refused it, 429 rate limit, 503 the views are not current yet (with `Retry-After`).

            **Keys**: `Authorization: Bearer lmb_<keyId>_<64 hex>`, made with
            `lumbung keys create --role R --name N` (the secret is shown once). Roles: `aid-writer`,
            `documents-writer`, `prices-writer`, `auditor`, `admin`; `admin` may do everything. A request
            that carries an `Authorization` header with an unknown, revoked or malformed key is refused with
            401, on public routes too. Each operation names the roles it accepts in `x-lumbung-roles`.

            **Read your writes**: every write answers the log `position` of its last event; every route
            that reads a view accepts `?minPosition=` and then answers from views at least that current
            (it waits up to 2 s, else 503 with `Retry-After`).
          license:
            name: Proprietary (Pemerintah Kota Mataram)
        servers:
          - url: /
        tags:
          - name: system
            description: Health, metrics and this description (public).
          - name: log
            description: The raw event log for auditors, and the admin's validated raw append.
          - name: audit
            description: |
              The log's RFC 6962 Merkle tree (leaf i = the JCS of the event at position i + 1 without
              `hash`): signed tree heads, inclusion and consistency proofs, as `lumbung audit` prints them.
          - name: aid
            description: Quick win 1, aid logistics after the 2018 Lombok earthquakes.
          - name: documents
            description: Quick win 2, document tracking ("cek resi online").
          - name: prices
            description: Quick win 3, market prices of staple commodities.
        security:
          - bearerAuth: []
        paths:
          # ---------------------------------------------------------------- system
          /health:
            get:
              tags: [system]
              operationId: getHealth
              summary: Liveness and the log's and views' positions.
              security: []
              x-lumbung-roles: [public]
              responses:
                '200':
                  description: The service is up.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Health'}
                '401': {$ref: '#/components/responses/Unauthorized'}
          /:
            get:
              tags: [portal]
              operationId: getPortalHome
              summary: The portal's home page.
              security: []
              x-lumbung-roles: [public]
              responses:
                '200': {description: A page in Bahasa Indonesia., content: {text/html: {schema: {type: string}}}}
                '400': {description: A page naming what is missing., content: {text/html: {schema: {type: string}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {description: A friendly page saying it was not found., content: {text/html: {schema: {type: string}}}}
          /cek-resi:
            get:
              tags: [portal]
              operationId: getPortalReceiptForm
              summary: "Cek Resi: the form (a receipt number may prefill it with ?resi=)."
              security: []
              x-lumbung-roles: [public]
              parameters:
                - name: resi
                  in: query
                  required: false
                  schema: {type: string}
              responses:
                '200': {description: A page in Bahasa Indonesia., content: {text/html: {schema: {type: string}}}}
                '400': {description: A page naming what is missing., content: {text/html: {schema: {type: string}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {description: A friendly page saying it was not found., content: {text/html: {schema: {type: string}}}}
            post:
              tags: [portal]
              operationId: postPortalReceiptLookup
              summary: "Cek Resi: the status and timeline for a receipt number and PIN."
              security: []
              x-lumbung-roles: [public]
              requestBody:
                required: true
                content:
                  application/x-www-form-urlencoded:
                    schema:
                      type: object
                      required: [resi, pin]
                      properties:
                        resi: {type: string, minLength: 1, maxLength: 40}
                        pin: {type: string, minLength: 1, maxLength: 12}
              responses:
                '200': {description: A page in Bahasa Indonesia., content: {text/html: {schema: {type: string}}}}
                '400': {description: A page naming what is missing., content: {text/html: {schema: {type: string}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {description: A friendly page saying it was not found., content: {text/html: {schema: {type: string}}}}
                '413': {description: A page saying the form is too large., content: {text/html: {schema: {type: string}}}}
                '429': {description: A friendly page asking to wait., content: {text/html: {schema: {type: string}}}}
          /harga-pasar:
            get:
              tags: [portal]
              operationId: getPortalPrices
              summary: "Harga Pasar: latest prices, alerts."
              security: []
              x-lumbung-roles: [public]
              responses:
                '200': {description: A page in Bahasa Indonesia., content: {text/html: {schema: {type: string}}}}
                '400': {description: A page naming what is missing., content: {text/html: {schema: {type: string}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {description: A friendly page saying it was not found., content: {text/html: {schema: {type: string}}}}
          /harga-pasar/{commodityId}:
            get:
              tags: [portal]
              operationId: getPortalCommodity
              summary: "One commodity: prices per market and its 30-day trend."
              security: []
              x-lumbung-roles: [public]
              parameters:
                - name: commodityId
                  in: path
                  required: true
                  schema: {type: string}
              responses:
                '200': {description: A page in Bahasa Indonesia., content: {text/html: {schema: {type: string}}}}
                '400': {description: A page naming what is missing., content: {text/html: {schema: {type: string}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {description: A friendly page saying it was not found., content: {text/html: {schema: {type: string}}}}
          /bantuan-bencana:
            get:
              tags: [portal]
              operationId: getPortalAid
              summary: "Bantuan Bencana: aid per kelurahan with a bar chart."
              security: []
              x-lumbung-roles: [public]
              responses:
                '200': {description: A page in Bahasa Indonesia., content: {text/html: {schema: {type: string}}}}
                '400': {description: A page naming what is missing., content: {text/html: {schema: {type: string}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {description: A friendly page saying it was not found., content: {text/html: {schema: {type: string}}}}
          /bantuan-bencana/stok:
            get:
              tags: [portal]
              operationId: getPortalStock
              summary: Stock per gudang and posko.
              security: []
              x-lumbung-roles: [public]
              responses:
                '200': {description: A page in Bahasa Indonesia., content: {text/html: {schema: {type: string}}}}
                '400': {description: A page naming what is missing., content: {text/html: {schema: {type: string}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {description: A friendly page saying it was not found., content: {text/html: {schema: {type: string}}}}
          /bantuan-bencana/gudang/{warehouseId}:
            get:
              tags: [portal]
              operationId: getPortalWarehouse
              summary: One warehouse's stock per item and lot.
              security: []
              x-lumbung-roles: [public]
              parameters:
                - name: warehouseId
                  in: path
                  required: true
                  schema: {type: string}
              responses:
                '200': {description: A page in Bahasa Indonesia., content: {text/html: {schema: {type: string}}}}
                '400': {description: A page naming what is missing., content: {text/html: {schema: {type: string}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {description: A friendly page saying it was not found., content: {text/html: {schema: {type: string}}}}
          /bantuan-bencana/kelurahan/{code}:
            get:
              tags: [portal]
              operationId: getPortalKelurahan
              summary: One kelurahan's aid.
              security: []
              x-lumbung-roles: [public]
              parameters:
                - name: code
                  in: path
                  required: true
                  schema: {type: string}
              responses:
                '200': {description: A page in Bahasa Indonesia., content: {text/html: {schema: {type: string}}}}
                '400': {description: A page naming what is missing., content: {text/html: {schema: {type: string}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {description: A friendly page saying it was not found., content: {text/html: {schema: {type: string}}}}
          /bantuan-bencana/donatur:
            get:
              tags: [portal]
              operationId: getPortalDonors
              summary: Donor summary.
              security: []
              x-lumbung-roles: [public]
              responses:
                '200': {description: A page in Bahasa Indonesia., content: {text/html: {schema: {type: string}}}}
                '400': {description: A page naming what is missing., content: {text/html: {schema: {type: string}}}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {description: A friendly page saying it was not found., content: {text/html: {schema: {type: string}}}}
          /ping:
            get:
              tags: [system]
              operationId: getPing
              summary: A constant answer (the trivial route the load benchmarks compare with).
              security: []
              x-lumbung-roles: [public]
              responses:
                '200':
                  description: pong
                  content:
                    text/plain:
                      schema: {type: string}
                '401': {$ref: '#/components/responses/Unauthorized'}
          /metrics:
            get:
              tags: [system]
              operationId: getMetrics
              summary: Prometheus metrics in the text exposition format 0.0.4.
              security: []
              x-lumbung-roles: [public]
              responses:
                '200':
                  description: The metrics.
                  content:
                    text/plain:
                      schema: {type: string}
                '401': {$ref: '#/components/responses/Unauthorized'}
          /openapi.yaml:
            get:
              tags: [system]
              operationId: getOpenAPI
              summary: This description of the HTTP API (OpenAPI 3.1).
              security: []
              x-lumbung-roles: [public]
              responses:
                '200':
                  description: The OpenAPI document.
                  content:
                    application/yaml:
                      schema: {type: string}
                '401': {$ref: '#/components/responses/Unauthorized'}

          # ---------------------------------------------------------------- log
          /v1/events:
            get:
              tags: [log]
              operationId: listEvents
              summary: A page of the whole log, in position order.
              description: |
                Starts at `cursor` (the `next` of a previous page) or `from`; filters combine with AND.
                JSON by default; NDJSON (one event per line) with `format=ndjson` or
                `Accept: application/x-ndjson`, the next cursor then in the `Lumbung-Next-Cursor` header.
              security:
                - bearerAuth: [auditor]
              x-lumbung-roles: [auditor, admin]
              parameters:
                - $ref: '#/components/parameters/TypeFilter'
                - $ref: '#/components/parameters/CategoryFilter'
                - $ref: '#/components/parameters/FromPosition'
                - $ref: '#/components/parameters/ToPosition'
                - $ref: '#/components/parameters/RecordedSince'
                - $ref: '#/components/parameters/RecordedUntil'
                - $ref: '#/components/parameters/RecordedUntilAlias'
                - $ref: '#/components/parameters/OccurredSince'
                - $ref: '#/components/parameters/OccurredUntil'
                - name: cursor
                  in: query
                  description: Where the page starts, as the previous page's `next` gave it.
                  schema: {$ref: '#/components/schemas/Cursor'}
                - name: limit
                  in: query
                  description: Events per page (default 100).
                  schema: {type: integer, minimum: 1, maximum: 10000, default: 100}
                - $ref: '#/components/parameters/PageFormat'
              responses:
                '200':
                  description: A page of events.
                  headers:
                    Lumbung-Next-Cursor: {$ref: '#/components/headers/NextCursor'}
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/EventsPage'}
                    application/x-ndjson:
                      schema:
                        type: string
                        description: One event (schema `Event`) per line.
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/Forbidden'}
          /v1/streams/{stream}:
            parameters:
              - name: stream
                in: path
                required: true
                description: The stream, `<category>-<id>`.
                schema: {$ref: '#/components/schemas/StreamName'}
                examples:
                  donation: {value: donation-DN-2018-7K3QF2ZA}
            get:
              tags: [log]
              operationId: readStream
              summary: A page of one stream, forward or backward by version.
              description: |
                JSON by default; NDJSON with `format=ndjson` or `Accept: application/x-ndjson`, the next
                cursor then in the `Lumbung-Next-Cursor` header.
              security:
                - bearerAuth: [auditor]
              x-lumbung-roles: [auditor, admin]
              parameters:
                - name: direction
                  in: query
                  schema: {type: string, enum: [forward, backward], default: forward}
                - name: from
                  in: query
                  description: The version to start at (default the first, or the last going backward).
                  schema: {$ref: '#/components/schemas/UInt64'}
                - name: cursor
                  in: query
                  description: Where the page starts, as the previous page's `next` gave it (a version).
                  schema: {type: string, pattern: '^[0-9]{1,19}$'}
                - name: limit
                  in: query
                  description: Events per page (default 100).
                  schema: {type: integer, minimum: 1, maximum: 10000, default: 100}
                - $ref: '#/components/parameters/PageFormat'
              responses:
                '200':
                  description: A page of the stream.
                  headers:
                    Lumbung-Next-Cursor: {$ref: '#/components/headers/NextCursor'}
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/StreamPage'}
                    application/x-ndjson:
                      schema:
                        type: string
                        description: One event (schema `Event`) per line.
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/Forbidden'}
                '404': {$ref: '#/components/responses/NotFound'}
            post:
              tags: [log]
              operationId: appendToStream
              summary: A validated raw append of one event or a batch (admin).
              description: |
                One event `{"type","data","id"?,"occurredAt"?,"metadata"?}` or a batch `{"events":[...]}`,
                all on this stream, all or nothing. `expectedVersion` (query or body; the query wins) is
                checked before the first event: `any` (default), `no-stream`, `exists` or an exact version;
                a mismatch writes nothing and answers 409 with `actualVersion`. The same checks and domain
                rules as every other door apply (known types are checked against their payload schema and
                rules). Events whose `id` is already in the log with the same content are not written
                again: the answer is 200 with the original positions and `duplicate: true`; the same id
                with other content is a 409. `metadata.actor` is set by the server.
              security:
                - bearerAuth: [admin]
              x-lumbung-roles: [admin]
              parameters:
                - name: expectedVersion
                  in: query
                  schema: {$ref: '#/components/schemas/ExpectedVersionText'}
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/RawAppend'}
                    example:
                      expectedVersion: no-stream
                      events: [{type: test.noted, data: {note: uji coba}, metadata: {correlationId: uji-1}}]
              responses:
                '201':
                  description: Written.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/AppendResult'}
                '200':
                  description: Every event was already in the log (an idempotent retry); nothing written.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/AppendResult'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/ForbiddenWrite'}
                '409': {$ref: '#/components/responses/Conflict'}
                '413': {$ref: '#/components/responses/TooLarge'}
                '422': {$ref: '#/components/responses/RuleViolation'}
          /v1/export:
            get:
              tags: [log]
              operationId: exportEvents
              summary: The log (filtered) as one streamed NDJSON file.
              security:
                - bearerAuth: [auditor]
              x-lumbung-roles: [auditor, admin]
              parameters:
                - name: format
                  in: query
                  schema: {type: string, enum: [ndjson], default: ndjson}
                - $ref: '#/components/parameters/TypeFilter'
                - $ref: '#/components/parameters/CategoryFilter'
                - $ref: '#/components/parameters/FromPosition'
                - $ref: '#/components/parameters/ToPosition'
                - $ref: '#/components/parameters/RecordedSince'
                - $ref: '#/components/parameters/RecordedUntil'
                - $ref: '#/components/parameters/RecordedUntilAlias'
                - $ref: '#/components/parameters/OccurredSince'
                - $ref: '#/components/parameters/OccurredUntil'
              responses:
                '200':
                  description: Every selected event, one JSON object (schema `Event`) per line.
                  headers:
                    Content-Disposition:
                      schema: {type: string}
                      description: '`attachment; filename="lumbung-export.ndjson"`'
                  content:
                    application/x-ndjson:
                      schema: {type: string}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/Forbidden'}
          /v1/subscribe:
            get:
              tags: [log]
              operationId: subscribe
              summary: Server-Sent Events of the log, catching up, then following new commits.
              description: |
                Each event is one SSE message: `id:` its position, `event:` its type, `data:` the event
                (schema `Event`) on one line. Starts at `from` (default 1) or after the position in
                `Last-Event-ID` (which wins), so that a client that reconnects with the last id it saw
                receives every event exactly once, in order. Ends after `to` when given, else never.
              security:
                - bearerAuth: [auditor]
              x-lumbung-roles: [auditor, admin]
              parameters:
                - $ref: '#/components/parameters/TypeFilter'
                - $ref: '#/components/parameters/CategoryFilter'
                - $ref: '#/components/parameters/FromPosition'
                - $ref: '#/components/parameters/ToPosition'
                - $ref: '#/components/parameters/RecordedSince'
                - $ref: '#/components/parameters/RecordedUntil'
                - $ref: '#/components/parameters/RecordedUntilAlias'
                - $ref: '#/components/parameters/OccurredSince'
                - $ref: '#/components/parameters/OccurredUntil'
                - name: Last-Event-ID
                  in: header
                  description: The position of the last event received; the stream resumes after it.
                  schema: {type: string, pattern: '^ *[0-9]{1,19} *$'}
              responses:
                '200':
                  description: The event stream.
                  headers:
                    Cache-Control:
                      schema: {type: string, const: no-cache}
                  content:
                    text/event-stream:
                      schema: {type: string}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/Forbidden'}

          # ---------------------------------------------------------------- audit
          /v1/audit/digest:
            get:
              tags: [audit]
              operationId: getAuditDigest
              summary: The signed tree head of the log as it is now.
              description: |
                `signature` is Ed25519 (key `publicKey`) over the RFC 8785 (JCS) bytes of
                `{"rootHash","timestamp","treeSize"}`. The key is made on first use and kept in the data
                directory (`audit-signing.key`, mode 0600). Keep the digest: later proofs and exports are
                checked against it.
              security:
                - bearerAuth: [auditor]
              x-lumbung-roles: [auditor, admin]
              responses:
                '200':
                  description: The signed tree head.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/SignedTreeHead'}
                      example:
                        treeSize: 7
                        rootHash: b00bec64f9b534dcb19625abcc67fed3ea7812bde55e60929c2a3f13828ad7af
                        timestamp: '2026-11-29T02:52:23.117Z'
                        signature: d2587678d5fa6761f9d20b6702be106fd90a36dbdd838934f1f1e40edd212cd770eff306d4ac502682c5df3b6c9b233bc2eece24cded121001bee6e50f078505
                        publicKey: 2d294dac545f04b283e5b80b911da58fc8b6c71b863db523a46a5cfe7e09c198
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/Forbidden'}
          /v1/audit/public-key:
            get:
              tags: [audit]
              operationId: getAuditPublicKey
              summary: The Ed25519 public key that signs the digests (raw 32 bytes, hex).
              security:
                - bearerAuth: [auditor]
              x-lumbung-roles: [auditor, admin]
              responses:
                '200':
                  description: The public key.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/AuditPublicKey'}
                      example: {publicKey: 2d294dac545f04b283e5b80b911da58fc8b6c71b863db523a46a5cfe7e09c198}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/Forbidden'}
          /v1/audit/inclusion:
            get:
              tags: [audit]
              operationId: getInclusionProof
              summary: The inclusion proof of the event at a position, in the current or an earlier tree.
              description: |
                `path` holds the sibling hashes from the leaf up (RFC 9162 section 2.1.3). 404 when
                `position` or `treeSize` lies beyond the log's head; 400 when `position` lies beyond
                `treeSize`.
              security:
                - bearerAuth: [auditor]
              x-lumbung-roles: [auditor, admin]
              parameters:
                - name: position
                  in: query
                  required: true
                  description: The event's log position (its leaf index + 1).
                  schema: {type: integer, minimum: 1, maximum: 18446744073709551615}
                  examples:
                    first: {value: 1}
                - name: treeSize
                  in: query
                  description: The tree to prove it in (default the current tree, every event).
                  schema: {$ref: '#/components/schemas/UInt64'}
              responses:
                '200':
                  description: The inclusion proof.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/InclusionProof'}
                      example:
                        position: 3
                        treeSize: 7
                        leafHash: ac203d5f8ef36a9532b898918c866464e32ed05196a4ff36dd6611ad407a4a68
                        rootHash: b00bec64f9b534dcb19625abcc67fed3ea7812bde55e60929c2a3f13828ad7af
                        path:
                          - abe34c1eb96c026ef94ed391d119703afd1d6e2c8c82c6d82170b70ab3672023
                          - cc49e7c4cd10056446bcee611be4e5ffa57fa35e02690794ddc530736f14541a
                          - 45327e935b6c0fa1818930852da086a313cd59eea40a648638932231ae951752
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/Forbidden'}
                '404': {$ref: '#/components/responses/NotFound'}
          /v1/audit/consistency:
            get:
              tags: [audit]
              operationId: getConsistencyProof
              summary: The consistency proof from an earlier tree to a later one (default the current tree).
              description: |
                Proves that the tree of `from` events is a prefix of the tree of `to` events (RFC 9162
                section 2.1.4): nothing in the first `from` events changed. `from` may be 0 (the empty
                tree); `path` is empty when `from` is 0 or equals `to`. 404 when `from` or `to` lies
                beyond the log's head; 400 when `from` is after `to`.
              security:
                - bearerAuth: [auditor]
              x-lumbung-roles: [auditor, admin]
              parameters:
                - name: from
                  in: query
                  required: true
                  description: The earlier tree's size (a digest's `treeSize`).
                  schema: {$ref: '#/components/schemas/UInt64'}
                  examples:
                    first: {value: 1}
                - name: to
                  in: query
                  description: The later tree's size (default the current tree).
                  schema: {$ref: '#/components/schemas/UInt64'}
              responses:
                '200':
                  description: The consistency proof.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/ConsistencyProof'}
                      example:
                        from: 3
                        to: 7
                        fromRoot: e696a42456023b67e27fb9a369f98cdb0bd95b0ada391233bb22aa4c95bed62f
                        toRoot: b00bec64f9b534dcb19625abcc67fed3ea7812bde55e60929c2a3f13828ad7af
                        path:
                          - ac203d5f8ef36a9532b898918c866464e32ed05196a4ff36dd6611ad407a4a68
                          - abe34c1eb96c026ef94ed391d119703afd1d6e2c8c82c6d82170b70ab3672023
                          - cc49e7c4cd10056446bcee611be4e5ffa57fa35e02690794ddc530736f14541a
                          - 45327e935b6c0fa1818930852da086a313cd59eea40a648638932231ae951752
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/Forbidden'}
                '404': {$ref: '#/components/responses/NotFound'}

          # ---------------------------------------------------------------- aid
          /v1/aid/warehouses:
            post:
              tags: [aid]
              operationId: registerWarehouse
              summary: Register a warehouse (gudang) or relief post (posko).
              description: Appends `aid.warehouse-registered`; `warehouseId` is made when absent.
              security:
                - bearerAuth: [aid-writer]
              x-lumbung-roles: [aid-writer, admin]
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/RegisterWarehouse'}
                    example: {warehouseId: posko-rembiga, name: Posko Kelurahan Rembiga, kind: posko, kelurahanCode: 52.71.05.1005}
              responses:
                '201':
                  description: Registered.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/WarehouseCommandResult'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/ForbiddenWrite'}
                '409': {$ref: '#/components/responses/Conflict'}
                '413': {$ref: '#/components/responses/TooLarge'}
                '422': {$ref: '#/components/responses/RuleViolation'}
          /v1/aid/donations:
            post:
              tags: [aid]
              operationId: receiveDonation
              summary: Record a donation received into a warehouse (a lot).
              description: Appends `aid.donation-received`; `donationId` and `receivedAt` are made when absent.
              security:
                - bearerAuth: [aid-writer]
              x-lumbung-roles: [aid-writer, admin]
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/ReceiveDonation'}
                    example:
                      donationId: DN-2018-7K3QF2ZA
                      warehouseId: gudang-bpbd-mataram
                      donor: {name: Kementerian Sosial RI, kind: government}
                      items: [{item: beras, unit: kg, quantity: 5000}, {item: air mineral, unit: dus, quantity: 400}]
                      receivedAt: '2018-08-06T10:13:00+08:00'
              responses:
                '201':
                  description: Recorded.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/DonationCommandResult'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/ForbiddenWrite'}
                '409': {$ref: '#/components/responses/Conflict'}
                '413': {$ref: '#/components/responses/TooLarge'}
                '422': {$ref: '#/components/responses/RuleViolation'}
          /v1/aid/shipments:
            post:
              tags: [aid]
              operationId: dispatchShipment
              summary: Dispatch a shipment from one warehouse to another.
              description: |
                Appends `aid.shipment-dispatched`. Never more than the source holds, per lot; lines without
                `lots` are taken first-in-first-out and the lots are recorded in the event.
              security:
                - bearerAuth: [aid-writer]
              x-lumbung-roles: [aid-writer, admin]
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/DispatchShipment'}
                    example:
                      shipmentId: SH-2018-4M2P8RQT
                      fromWarehouseId: gudang-bpbd-mataram
                      toWarehouseId: posko-rembiga
                      lines: [{item: beras, unit: kg, quantity: 1000}]
                      vehicle: Truk DR 8123 AB
                      driver: Sahnan
              responses:
                '201':
                  description: Dispatched.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/ShipmentCommandResult'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/ForbiddenWrite'}
                '409': {$ref: '#/components/responses/Conflict'}
                '413': {$ref: '#/components/responses/TooLarge'}
                '422': {$ref: '#/components/responses/RuleViolation'}
          /v1/aid/shipments/{shipmentId}/receipt:
            post:
              tags: [aid]
              operationId: receiveShipment
              summary: Record the receipt of a dispatched shipment.
              description: |
                Appends `aid.shipment-received`, once per shipment. Without `lines` everything dispatched
                is received in full; what was dispatched and not received is recorded as lost in transit.
                404 when no shipment with this id was dispatched.
              security:
                - bearerAuth: [aid-writer]
              x-lumbung-roles: [aid-writer, admin]
              parameters:
                - name: shipmentId
                  in: path
                  required: true
                  description: A dispatched shipment (404 for any other value).
                  schema: {$ref: '#/components/schemas/AidID'}
                  examples:
                    shipment: {value: SH-2018-4M2P8RQT}
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/ReceiveShipment'}
                    example:
                      lines: [{item: beras, unit: kg, donationId: DN-2018-7K3QF2ZA, quantity: 990}]
                      notes: 10 kg basah terkena hujan
              responses:
                '201':
                  description: Received.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/ShipmentCommandResult'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/ForbiddenWrite'}
                '404': {$ref: '#/components/responses/NotFound'}
                '409': {$ref: '#/components/responses/Conflict'}
                '413': {$ref: '#/components/responses/TooLarge'}
                '422': {$ref: '#/components/responses/RuleViolation'}
          /v1/aid/distributions:
            post:
              tags: [aid]
              operationId: distributeAid
              summary: Record aid handed out to households of a kelurahan.
              description: Appends `aid.aid-distributed`, from the stock at that post only.
              security:
                - bearerAuth: [aid-writer]
              x-lumbung-roles: [aid-writer, admin]
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/DistributeAid'}
                    example:
                      warehouseId: posko-rembiga
                      kelurahanCode: 52.71.05.1005
                      lines: [{item: beras, unit: kg, quantity: 300}]
                      households: 60
                      people: 214
              responses:
                '201':
                  description: Recorded.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/DistributionCommandResult'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/ForbiddenWrite'}
                '409': {$ref: '#/components/responses/Conflict'}
                '413': {$ref: '#/components/responses/TooLarge'}
                '422': {$ref: '#/components/responses/RuleViolation'}
          /v1/aid/adjustments:
            post:
              tags: [aid]
              operationId: adjustStock
              summary: Correct the stock of one lot at one warehouse (never below zero).
              description: Appends `aid.stock-adjusted`.
              security:
                - bearerAuth: [aid-writer]
              x-lumbung-roles: [aid-writer, admin]
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/AdjustStock'}
                    example: {warehouseId: gudang-bpbd-mataram, item: air mineral, unit: dus, donationId: DN-2018-7K3QF2ZA, quantity: -3, reason: kemasan rusak}
              responses:
                '201':
                  description: Recorded.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/AdjustmentCommandResult'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/ForbiddenWrite'}
                '409': {$ref: '#/components/responses/Conflict'}
                '413': {$ref: '#/components/responses/TooLarge'}
                '422': {$ref: '#/components/responses/RuleViolation'}
          /v1/aid/stock:
            get:
              tags: [aid]
              operationId: getStock
              summary: Stock per warehouse, item and lot (on hand and in transit).
              security: []
              x-lumbung-roles: [public]
              parameters:
                - name: warehouseId
                  in: query
                  description: Only this warehouse (404 when it is not registered).
                  schema: {type: string}
                - $ref: '#/components/parameters/ItemFilter'
                - $ref: '#/components/parameters/UnitFilter'
                - $ref: '#/components/parameters/MinPosition'
              responses:
                '200':
                  description: The stock.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/StockReport'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {$ref: '#/components/responses/NotFound'}
                '503': {$ref: '#/components/responses/Unavailable'}
          /v1/aid/stock/{warehouseId}:
            get:
              tags: [aid]
              operationId: getWarehouseStock
              summary: Stock of one warehouse, per item and lot.
              security: []
              x-lumbung-roles: [public]
              parameters:
                - name: warehouseId
                  in: path
                  required: true
                  schema: {type: string}
                  examples:
                    posko: {value: posko-rembiga}
                - $ref: '#/components/parameters/ItemFilter'
                - $ref: '#/components/parameters/UnitFilter'
                - $ref: '#/components/parameters/MinPosition'
              responses:
                '200':
                  description: The stock of the warehouse.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/StockReport'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {$ref: '#/components/responses/NotFound'}
                '503': {$ref: '#/components/responses/Unavailable'}
          /v1/aid/kelurahan:
            get:
              tags: [aid]
              operationId: getAidPerKelurahan
              summary: Aid received and distributed in each of the 50 kelurahan of Kota Mataram.
              security: []
              x-lumbung-roles: [public]
              parameters:
                - $ref: '#/components/parameters/MinPosition'
              responses:
                '200':
                  description: Every kelurahan in code order, and city totals.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/KelurahanReport'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '503': {$ref: '#/components/responses/Unavailable'}
          /v1/aid/kelurahan/{code}:
            get:
              tags: [aid]
              operationId: getAidInKelurahan
              summary: Aid in one kelurahan.
              security: []
              x-lumbung-roles: [public]
              parameters:
                - name: code
                  in: path
                  required: true
                  description: Kepmendagri code, e.g. `52.71.01.1004` (404 when not a kelurahan of Kota Mataram).
                  schema: {type: string}
                  examples:
                    rembiga: {value: 52.71.05.1005}
                - $ref: '#/components/parameters/MinPosition'
              responses:
                '200':
                  description: The kelurahan.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Kelurahan'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {$ref: '#/components/responses/NotFound'}
                '503': {$ref: '#/components/responses/Unavailable'}
          /v1/aid/donors:
            get:
              tags: [aid]
              operationId: getDonors
              summary: What each donor gave and how much of it reached households.
              description: Every donor, or with `name` one donor with the list of its donations.
              security: []
              x-lumbung-roles: [public]
              parameters:
                - name: name
                  in: query
                  description: One donor, by exact name (404 when unknown).
                  schema: {type: string}
                - $ref: '#/components/parameters/MinPosition'
              responses:
                '200':
                  description: Every donor (`DonorReport`), or one (`Donor`, with `donationList`) when `name` is given.
                  content:
                    application/json:
                      schema:
                        oneOf:
                          - $ref: '#/components/schemas/DonorReport'
                          - $ref: '#/components/schemas/Donor'
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {$ref: '#/components/responses/NotFound'}
                '503': {$ref: '#/components/responses/Unavailable'}
          /v1/aid/donations/{donationId}/trace:
            get:
              tags: [aid]
              operationId: traceDonation
              summary: Every movement of a donation's lots, with a balance that adds up (auditors).
              security:
                - bearerAuth: [auditor]
              x-lumbung-roles: [auditor, admin]
              parameters:
                - name: donationId
                  in: path
                  required: true
                  schema: {type: string}
                  examples:
                    donation: {value: DN-2018-7K3QF2ZA}
                - $ref: '#/components/parameters/MinPosition'
              responses:
                '200':
                  description: The trace.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/DonationTrace'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/Forbidden'}
                '404': {$ref: '#/components/responses/NotFound'}
                '503': {$ref: '#/components/responses/Unavailable'}

          # ---------------------------------------------------------------- documents
          /v1/documents/applications:
            post:
              tags: [documents]
              operationId: submitApplication
              summary: Submit an application for a civil-registry document.
              description: |
                Appends `documents.application-submitted`. The server makes the receipt number and the PIN;
                the answer is the only time the PIN is shown. The NIK reaches the log only as a keyed hash.
              security:
                - bearerAuth: [documents-writer]
              x-lumbung-roles: [documents-writer, admin]
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/SubmitApplication'}
                    example: {documentType: kk, office: mpp-mataram, channel: counter, applicant: {nik: '5271055507900002'}}
              responses:
                '201':
                  description: Submitted.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/SubmitApplicationResult'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/ForbiddenWrite'}
                '409': {$ref: '#/components/responses/Conflict'}
                '413': {$ref: '#/components/responses/TooLarge'}
                '422': {$ref: '#/components/responses/RuleViolation'}
          /v1/documents/applications/{receiptNumber}/status:
            post:
              tags: [documents]
              operationId: changeApplicationStatus
              summary: Move an application along its lifecycle.
              description: |
                Appends `documents.status-changed`. Lifecycle: `submitted` -> `verified` |
                `revision-requested` | `rejected`; `revision-requested` -> `submitted`; `verified` ->
                `in-process` -> `signed` -> `ready` -> `collected`; `rejected` and `collected` are final.
                A reason is required for `revision-requested` and `rejected`. 404 when no application
                has this receipt number.
              security:
                - bearerAuth: [documents-writer]
              x-lumbung-roles: [documents-writer, admin]
              parameters:
                - $ref: '#/components/parameters/ReceiptNumberPath'
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/ChangeStatus'}
                    example: {to: revision-requested, reason: Fotokopi akta kelahiran belum dilampirkan, officer: petugas-loket-3}
              responses:
                '201':
                  description: Changed.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/ChangeStatusResult'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/ForbiddenWrite'}
                '404': {$ref: '#/components/responses/NotFound'}
                '409': {$ref: '#/components/responses/Conflict'}
                '413': {$ref: '#/components/responses/TooLarge'}
                '422': {$ref: '#/components/responses/RuleViolation'}
          /v1/documents/applications/{receiptNumber}:
            get:
              tags: [documents]
              operationId: lookupApplication
              summary: "Cek resi: an application's status and timeline, by receipt number and PIN (public)."
              description: |
                Without personal data. An unknown receipt number and a wrong PIN answer the same 404.
                Lookups are rate-limited per client address (a burst of 10, then 1 per second): 429
                with `Retry-After`.
              security: []
              x-lumbung-roles: [public]
              parameters:
                - $ref: '#/components/parameters/ReceiptNumberPath'
                - name: pin
                  in: query
                  required: true
                  description: The 6-digit PIN shown when the application was submitted.
                  schema: {type: string, minLength: 1}
                - $ref: '#/components/parameters/MinPosition'
              responses:
                '200':
                  description: The application.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/PublicApplication'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '404': {$ref: '#/components/responses/NotFound'}
                '429': {$ref: '#/components/responses/RateLimited'}
                '503': {$ref: '#/components/responses/Unavailable'}
          /v1/documents/queue:
            get:
              tags: [documents]
              operationId: getQueue
              summary: Applications per office and status.
              description: |
                Without `office`: the counts per status of every office (`{"offices": [...]}`). With
                `office`: that office's queue, per status, with the open applications oldest first.
              security:
                - bearerAuth: [documents-writer]
                - bearerAuth: [auditor]
              x-lumbung-roles: [documents-writer, auditor, admin]
              parameters:
                - name: office
                  in: query
                  description: An office id (404 for another value).
                  schema: {$ref: '#/components/schemas/OfficeID'}
                - name: asOf
                  in: query
                  description: The time ages are measured at (default now); only with `office`.
                  schema: {$ref: '#/components/schemas/QueryTime'}
                - name: limit
                  in: query
                  description: Applications listed per status (default 500); only with `office`.
                  schema: {type: integer, minimum: 1, maximum: 5000, default: 500}
                - $ref: '#/components/parameters/MinPosition'
              responses:
                '200':
                  description: The summary of every office, or one office's queue.
                  content:
                    application/json:
                      schema:
                        oneOf:
                          - $ref: '#/components/schemas/QueueSummary'
                          - $ref: '#/components/schemas/OfficeQueue'
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/Forbidden'}
                '404': {$ref: '#/components/responses/NotFound'}
                '503': {$ref: '#/components/responses/Unavailable'}
          /v1/documents/processing:
            get:
              tags: [documents]
              operationId: getProcessingTimes
              summary: Processing time per document type (median, p90, over the SLA); public aggregates.
              security: []
              x-lumbung-roles: [public]
              parameters:
                - $ref: '#/components/parameters/MinPosition'
              responses:
                '200':
                  description: Every document type.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/ProcessingReport'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '503': {$ref: '#/components/responses/Unavailable'}

          # ---------------------------------------------------------------- prices
          /v1/prices/markets:
            post:
              tags: [prices]
              operationId: registerMarket
              summary: Register a market.
              description: Appends `prices.market-registered`; `marketId` is made from the name when absent.
              security:
                - bearerAuth: [prices-writer]
              x-lumbung-roles: [prices-writer, admin]
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/RegisterMarket'}
                    example: {marketId: pasar-kebon-roek, name: Pasar Kebon Roek, kind: traditional, kelurahanCode: 52.71.01.1004, latitude: -8.5779, longitude: 116.0846}
              responses:
                '201':
                  description: Registered.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/MarketCommandResult'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/ForbiddenWrite'}
                '409': {$ref: '#/components/responses/Conflict'}
                '413': {$ref: '#/components/responses/TooLarge'}
                '422': {$ref: '#/components/responses/RuleViolation'}
            get:
              tags: [prices]
              operationId: listMarkets
              summary: Every registered market, by id.
              security: []
              x-lumbung-roles: [public]
              parameters:
                - $ref: '#/components/parameters/MinPosition'
              responses:
                '200':
                  description: The markets.
                  content:
                    application/json:
                      schema:
                        type: object
                        additionalProperties: false
                        required: [markets]
                        properties:
                          markets:
                            type: array
                            items: {$ref: '#/components/schemas/Market'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '503': {$ref: '#/components/responses/Unavailable'}
          /v1/prices/commodities:
            post:
              tags: [prices]
              operationId: registerCommodity
              summary: Register a commodity.
              description: Appends `prices.commodity-registered`; `commodityId` is made from the name when absent.
              security:
                - bearerAuth: [prices-writer]
              x-lumbung-roles: [prices-writer, admin]
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/RegisterCommodity'}
                    example: {commodityId: beras-medium, name: Beras Medium, category: beras, unit: kg}
              responses:
                '201':
                  description: Registered.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/CommodityCommandResult'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/ForbiddenWrite'}
                '409': {$ref: '#/components/responses/Conflict'}
                '413': {$ref: '#/components/responses/TooLarge'}
                '422': {$ref: '#/components/responses/RuleViolation'}
            get:
              tags: [prices]
              operationId: listCommodities
              summary: Every registered commodity, by id.
              security: []
              x-lumbung-roles: [public]
              parameters:
                - $ref: '#/components/parameters/MinPosition'
              responses:
                '200':
                  description: The commodities.
                  content:
                    application/json:
                      schema:
                        type: object
                        additionalProperties: false
                        required: [commodities]
                        properties:
                          commodities:
                            type: array
                            items: {$ref: '#/components/schemas/Commodity'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '503': {$ref: '#/components/responses/Unavailable'}
          /v1/prices/reports:
            post:
              tags: [prices]
              operationId: reportPrice
              summary: Report a price observed at a market.
              description: |
                Appends `prices.price-reported`. Market and commodity must be registered and the price
                greater than 0 (else 422). A retry with the same `eventId` and the same content answers
                200 without writing again.
              security:
                - bearerAuth: [prices-writer]
              x-lumbung-roles: [prices-writer, admin]
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/ReportPrice'}
                    example: {marketId: pasar-kebon-roek, commodityId: beras-medium, price: 12500, observedOn: '2018-08-06', reporter: petugas-pasar-2}
              responses:
                '201':
                  description: Reported.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/PriceCommandResult'}
                '200':
                  description: Already in the log (an idempotent retry with the same `eventId`).
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/PriceCommandResult'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/ForbiddenWrite'}
                '409': {$ref: '#/components/responses/Conflict'}
                '413': {$ref: '#/components/responses/TooLarge'}
                '422': {$ref: '#/components/responses/RuleViolation'}
          /v1/prices/corrections:
            post:
              tags: [prices]
              operationId: correctPrice
              summary: Correct a reported price (the original stays in the log).
              description: Appends `prices.price-corrected` on the corrected report's market.
              security:
                - bearerAuth: [prices-writer]
              x-lumbung-roles: [prices-writer, admin]
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/CorrectPrice'}
                    example: {correctsEventId: 6f1c8a9e-2d5b-4c61-9a0e-3b7f5d2c1e44, price: 12000, reason: salah ketik}
              responses:
                '201':
                  description: Corrected.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/CorrectionCommandResult'}
                '200':
                  description: Already in the log (an idempotent retry with the same `eventId`).
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/CorrectionCommandResult'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/ForbiddenWrite'}
                '409': {$ref: '#/components/responses/Conflict'}
                '413': {$ref: '#/components/responses/TooLarge'}
                '422': {$ref: '#/components/responses/RuleViolation'}
          /v1/prices/latest:
            get:
              tags: [prices]
              operationId: getLatestPrices
              summary: The latest price per market and commodity (corrections applied).
              security: []
              x-lumbung-roles: [public]
              parameters:
                - name: marketId
                  in: query
                  schema: {type: string}
                - name: commodityId
                  in: query
                  schema: {type: string}
                - $ref: '#/components/parameters/MinPosition'
              responses:
                '200':
                  description: The latest prices.
                  content:
                    application/json:
                      schema:
                        type: object
                        additionalProperties: false
                        required: [prices]
                        properties:
                          prices:
                            type: array
                            items: {$ref: '#/components/schemas/LatestPrice'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '503': {$ref: '#/components/responses/Unavailable'}
          /v1/prices/daily:
            get:
              tags: [prices]
              operationId: getDailyStatistics
              summary: Daily statistics per commodity across markets (min, max, mean, median, count).
              security: []
              x-lumbung-roles: [public]
              parameters:
                - name: commodityId
                  in: query
                  schema: {type: string}
                - name: 'on'
                  in: query
                  description: One day (then `from` and `to` are not used).
                  schema: {$ref: '#/components/schemas/CivilDate'}
                - $ref: '#/components/parameters/FromDate'
                - $ref: '#/components/parameters/ToDate'
                - $ref: '#/components/parameters/MinPosition'
              responses:
                '200':
                  description: The statistics, per series and day.
                  content:
                    application/json:
                      schema:
                        type: object
                        additionalProperties: false
                        required: [daily]
                        properties:
                          daily:
                            type: array
                            items: {$ref: '#/components/schemas/DailyStats'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '503': {$ref: '#/components/responses/Unavailable'}
          /v1/prices/trend/{commodityId}:
            get:
              tags: [prices]
              operationId: getTrend
              summary: Daily city medians of a commodity (default the 30 days up to its latest data).
              security: []
              x-lumbung-roles: [public]
              parameters:
                - name: commodityId
                  in: path
                  required: true
                  schema: {type: string}
                  examples:
                    beras: {value: beras-medium}
                - $ref: '#/components/parameters/FromDate'
                - $ref: '#/components/parameters/ToDate'
                - name: priceType
                  in: query
                  schema: {$ref: '#/components/schemas/PriceType'}
                - $ref: '#/components/parameters/MinPosition'
              responses:
                '200':
                  description: One series per price type, currency and unit (empty without data).
                  content:
                    application/json:
                      schema:
                        type: object
                        additionalProperties: false
                        required: [series]
                        properties:
                          series:
                            type: array
                            items: {$ref: '#/components/schemas/TrendSeries'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '503': {$ref: '#/components/responses/Unavailable'}
          /v1/prices/alerts:
            get:
              tags: [prices]
              operationId: getPriceAlerts
              summary: Days on which a commodity's city median rose 10% or more over the previous 7 days.
              security: []
              x-lumbung-roles: [public]
              parameters:
                - $ref: '#/components/parameters/FromDate'
                - $ref: '#/components/parameters/ToDate'
                - name: commodityId
                  in: query
                  schema: {type: string}
                - $ref: '#/components/parameters/MinPosition'
              responses:
                '200':
                  description: The alerts, day by day.
                  content:
                    application/json:
                      schema:
                        type: object
                        additionalProperties: false
                        required: [alerts]
                        properties:
                          alerts:
                            type: array
                            items: {$ref: '#/components/schemas/PriceAlert'}
                '400': {$ref: '#/components/responses/BadRequest'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '503': {$ref: '#/components/responses/Unavailable'}

        components:
          securitySchemes:
            bearerAuth:
              type: http
              scheme: bearer
              bearerFormat: lmb_<keyId>_<64 hex>
              description: |
                An API key `lmb_<keyId>_<secret>`: `keyId` is 10 characters of `[0-9a-z]` (Crockford
                base 32, lower case), `secret` 64 lower-case hex digits. Keys carry one role:
                `aid-writer`, `documents-writer`, `prices-writer`, `auditor` or `admin` (admin may do
                everything). Without a key a protected route answers 401; with another role, 403.

          parameters:
            MinPosition:
              name: minPosition
              in: query
              description: |
                Read your writes: answer from views that have applied at least this log position (a
                write's `position`). Waits up to 2 s, else 503 with `Retry-After`; 400 beyond the log's
                head (on a read replica, whose log may not have it yet: the wait, then 503).
              schema: {$ref: '#/components/schemas/UInt64'}
            TypeFilter:
              name: type
              in: query
              description: Only events of these types (repeat the parameter, or separate with commas).
              style: form
              explode: true
              schema:
                type: array
                items: {$ref: '#/components/schemas/EventType'}
            CategoryFilter:
              name: category
              in: query
              description: Only events of streams of these categories (the text before the first `-`); repeatable or comma-separated.
              style: form
              explode: true
              schema:
                type: array
                items: {type: string}
            FromPosition:
              name: from
              in: query
              description: The first log position (default 1).
              schema: {$ref: '#/components/schemas/UInt64'}
            ToPosition:
              name: to
              in: query
              description: The last log position ("as of" position).
              schema: {$ref: '#/components/schemas/UInt64'}
            RecordedSince:
              name: since
              in: query
              description: Only events recorded at or after this time.
              schema: {$ref: '#/components/schemas/QueryTime'}
            RecordedUntil:
              name: until
              in: query
              description: Only events recorded at or before this time ("as the system knew it").
              schema: {$ref: '#/components/schemas/QueryTime'}
            RecordedUntilAlias:
              name: recordedUntil
              in: query
              description: The same as `until` (which wins when both are given).
              schema: {$ref: '#/components/schemas/QueryTime'}
            OccurredSince:
              name: occurredSince
              in: query
              description: Only events that occurred at or after this time.
              schema: {$ref: '#/components/schemas/QueryTime'}
            OccurredUntil:
              name: occurredUntil
              in: query
              description: Only events that occurred at or before this time ("as it happened").
              schema: {$ref: '#/components/schemas/QueryTime'}
            PageFormat:
              name: format
              in: query
              description: '`ndjson` answers one event per line (as does `Accept: application/x-ndjson`).'
              schema: {type: string, enum: [json, ndjson], default: json}
            ItemFilter:
              name: item
              in: query
              description: Only this item (warehouses not holding it are left out of the list of all).
              schema: {type: string}
            UnitFilter:
              name: unit
              in: query
              description: Only this unit of the item.
              schema: {type: string}
            FromDate:
              name: from
              in: query
              description: The first day (inclusive).
              schema: {$ref: '#/components/schemas/CivilDate'}
            ToDate:
              name: to
              in: query
              description: The last day (inclusive).
              schema: {$ref: '#/components/schemas/CivilDate'}
            ReceiptNumberPath:
              name: receiptNumber
              in: path
              required: true
              description: |
                A receipt number `MTR-` + 10 characters of Crockford base 32. What a resident typed is
                accepted: lower case, `O` for `0`, `I`/`L` for `1`, spaces and hyphens, no prefix.
              schema: {type: string, examples: [MTR-7GQ2K9XW4D]}

          headers:
            NextCursor:
              description: NDJSON pages only, when more events follow; pass it back as `cursor`.
              schema: {type: string, pattern: '^[0-9]+$'}
            RetryAfter:
              description: Seconds to wait before retrying.
              schema: {type: string, pattern: '^[0-9]+$'}
            RetryAfterRequired:
              description: Seconds to wait before retrying.
              required: true
              schema: {type: string, pattern: '^[0-9]+$'}

          responses:
            BadRequest:
              description: Bad input; `errors` names each field (body path, query parameter or header) at fault.
              content:
                application/problem+json:
                  schema: {$ref: '#/components/schemas/Problem'}
            Unauthorized:
              description: No key on a protected route, or a key that is unknown, revoked or malformed.
              headers:
                WWW-Authenticate:
                  description: '`Bearer`, when the key given was refused.'
                  schema: {type: string}
              content:
                application/problem+json:
                  schema: {$ref: '#/components/schemas/Problem'}
            Forbidden:
              description: The key's role may not do this.
              content:
                application/problem+json:
                  schema: {$ref: '#/components/schemas/Problem'}
            ForbiddenWrite:
              description: The key's role may not do this, or this node is a read-only replica (`primary` names the node to write to).
              content:
                application/problem+json:
                  schema: {$ref: '#/components/schemas/Problem'}
            NotFound:
              description: No such resource.
              content:
                application/problem+json:
                  schema: {$ref: '#/components/schemas/Problem'}
            Conflict:
              description: |
                The stream is not at the expected version (`actualVersion` gives its version, 0 when it
                does not exist), or an event id is already in the log with other content. Nothing was written.
              content:
                application/problem+json:
                  schema: {$ref: '#/components/schemas/Problem'}
            TooLarge:
              description: Over a size limit (body 17 MiB, `data` 1 MiB, metadata 64 KiB, a batch 10,000 events or 16 MiB). Nothing was written.
              content:
                application/problem+json:
                  schema: {$ref: '#/components/schemas/Problem'}
            RuleViolation:
              description: A rule of the domain refused it (`errors` names the field). Nothing was written.
              content:
                application/problem+json:
                  schema: {$ref: '#/components/schemas/Problem'}
            RateLimited:
              description: Too many requests from this client address.
              headers:
                Retry-After: {$ref: '#/components/headers/RetryAfterRequired'}
              content:
                application/problem+json:
                  schema: {$ref: '#/components/schemas/Problem'}
            Unavailable:
              description: The views have not reached `minPosition` yet; retry after `Retry-After` seconds.
              headers:
                Retry-After: {$ref: '#/components/headers/RetryAfter'}
              content:
                application/problem+json:
                  schema: {$ref: '#/components/schemas/Problem'}

          schemas:
            # ------------------------------------------------------------ common
            Problem:
              type: object
              description: An RFC 9457 problem.
              required: [type, title, status, detail]
              properties:
                type: {type: string, format: uri}
                title: {type: string}
                status: {type: integer, minimum: 400, maximum: 599}
                detail: {type: string}
                errors:
                  type: array
                  description: The fields at fault (validation failures).
                  items:
                    type: object
                    additionalProperties: false
                    required: [field, message]
                    properties:
                      field: {type: string, description: 'A path into the body (`items[0].quantity`), a query parameter or a header.'}
                      message: {type: string}
                actualVersion:
                  type: integer
                  minimum: 0
                  description: 'Of a 409 expected-version conflict: the stream''s version.'
                primary:
                  type: string
                  description: 'Of a 403 from a read-only replica: where to send writes.'
            UInt64:
              type: integer
              minimum: 0
              maximum: 18446744073709551615
            Cursor:
              type: string
              pattern: '^0*[1-9][0-9]{0,18}$'
            QueryTime:
              type: string
              description: RFC 3339 (`2018-08-10T12:00:00Z`, `2018-08-10T20:00:00+08:00`) or a day `2018-08-10` (its UTC midnight).
              anyOf:
                - format: date-time
                - format: date
            Time:
              type: string
              format: date-time
              description: RFC 3339 in UTC with milliseconds, as the server writes it.
            CivilDate:
              type: string
              format: date
              pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
            Hash:
              type: string
              pattern: '^[0-9a-f]{64}$'
            EventID:
              type: string
              format: uuid
              pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
            StreamName:
              type: string
              description: '`<category>-<id>`: 1-200 bytes of `[A-Za-z0-9._:-]`, not starting with `-`.'
              pattern: '^[A-Za-z0-9._:][A-Za-z0-9._:-]{0,199}$'
            EventType:
              type: string
              description: '`<domain>.<name>` in lower-case kebab, at most 100 bytes.'
              maxLength: 100
              pattern: '^[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$'
            Position:
              type: integer
              minimum: 1
            Count:
              type: integer
              minimum: 0
            Event:
              type: object
              description: An event as the log shows it (DESIGN section 3).
              additionalProperties: false
              required: [position, stream, version, id, type, occurredAt, recordedAt, metadata, data, prevHash, hash]
              properties:
                position: {$ref: '#/components/schemas/Position'}
                stream: {$ref: '#/components/schemas/StreamName'}
                version: {type: integer, minimum: 1}
                id: {type: string, pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'}
                type: {$ref: '#/components/schemas/EventType'}
                occurredAt: {$ref: '#/components/schemas/Time'}
                recordedAt: {$ref: '#/components/schemas/Time'}
                metadata:
                  type: object
                  required: [actor]
                  properties:
                    actor: {type: string}
                    correlationId: {}
                    causationId: {}
                data: {type: object}
                prevHash: {$ref: '#/components/schemas/Hash'}
                hash: {$ref: '#/components/schemas/Hash'}
            EventsPage:
              type: object
              additionalProperties: false
              required: [events, next, head]
              properties:
                events:
                  type: array
                  items: {$ref: '#/components/schemas/Event'}
                next:
                  description: The cursor of the next page, null at the end.
                  oneOf:
                    - {type: string, pattern: '^[0-9]+$'}
                    - {type: 'null'}
                head: {type: integer, minimum: 0, description: The log's head position.}
            StreamPage:
              type: object
              additionalProperties: false
              required: [events, next, version]
              properties:
                events:
                  type: array
                  items: {$ref: '#/components/schemas/Event'}
                next:
                  description: The cursor of the next page, null at the end.
                  oneOf:
                    - {type: string, pattern: '^[0-9]+$'}
                    - {type: 'null'}
                version: {type: integer, minimum: 1, description: The stream's current version.}
            ExpectedVersionText:
              type: string
              description: '`any`, `no-stream`, `exists`, or an exact version (0: the stream does not exist).'
              pattern: '^(any|no-stream|exists|[0-9]{1,19})$'
            ProposedEvent:
              type: object
              description: An event to append. `data` is a JSON object of at most 1 MiB whose numbers are integers within ±(2^53-1) or decimals with at most 4 fraction digits.
              required: [type, data]
              properties:
                type: {$ref: '#/components/schemas/EventType'}
                data: {type: object}
                id: {$ref: '#/components/schemas/EventID'}
                occurredAt:
                  type: string
                  description: RFC 3339, years 0001-9999 (default the commit time).
                  anyOf:
                    - format: date-time
                    - format: date
                metadata:
                  type: object
                  description: Free fields (`correlationId`, `causationId`, ...), at most 64 KiB; `actor` is set by the server.
            RawAppend:
              oneOf:
                - title: One event
                  allOf:
                    - $ref: '#/components/schemas/ProposedEvent'
                  properties:
                    type: {}
                    data: {}
                    id: {}
                    occurredAt: {}
                    metadata: {}
                    expectedVersion: {$ref: '#/components/schemas/ExpectedVersionBody'}
                  additionalProperties: false
                - title: A batch
                  type: object
                  additionalProperties: false
                  required: [events]
                  properties:
                    events:
                      type: array
                      minItems: 1
                      maxItems: 10000
                      items:
                        allOf:
                          - $ref: '#/components/schemas/ProposedEvent'
                        properties:
                          type: {}
                          data: {}
                          id: {}
                          occurredAt: {}
                          metadata: {}
                        additionalProperties: false
                    expectedVersion: {$ref: '#/components/schemas/ExpectedVersionBody'}
            ExpectedVersionBody:
              oneOf:
                - $ref: '#/components/schemas/ExpectedVersionText'
                - {type: integer, minimum: 0, maximum: 9007199254740991, description: 'A JSON number: within 2^53-1.'}
            AppendResult:
              type: object
              additionalProperties: false
              required: [results, position, duplicate]
              properties:
                results:
                  type: array
                  items:
                    type: object
                    additionalProperties: false
                    required: [position, version, id, hash]
                    properties:
                      position: {$ref: '#/components/schemas/Position'}
                      version: {type: integer, minimum: 1}
                      id: {type: string, format: uuid}
                      hash: {$ref: '#/components/schemas/Hash'}
                position: {$ref: '#/components/schemas/Position'}
                duplicate: {type: boolean, description: 'True when every event was already in the log.'}
            Health:
              type: object
              additionalProperties: false
              required: [status, role, headPosition, headHash, viewsPosition, viewsLag]
              properties:
                status: {type: string, const: ok}
                role: {type: string, enum: [primary, replica]}
                headPosition: {$ref: '#/components/schemas/Count'}
                headHash: {$ref: '#/components/schemas/Hash'}
                viewsPosition: {$ref: '#/components/schemas/Count'}
                viewsLag: {$ref: '#/components/schemas/Count'}
                primary: {type: string, description: 'Of a replica: its primary.'}
                replication:
                  type: object
                  description: 'Of a read replica fed by `lumbung follow`: the JetStream stream it follows, the last sequence of it seen, and how many events this node is behind it.'
                  additionalProperties: false
                  required: [stream, streamLastSequence, lag, updatedAt]
                  properties:
                    stream: {type: string}
                    streamLastSequence: {$ref: '#/components/schemas/Count'}
                    lag: {$ref: '#/components/schemas/Count'}
                    updatedAt: {$ref: '#/components/schemas/Time'}

            # ------------------------------------------------------------ audit
            SignedTreeHead:
              type: object
              description: |
                A signed tree head ("digest"). `signature` is Ed25519 by `publicKey` over the JCS bytes of
                `{"rootHash","timestamp","treeSize"}`.
              additionalProperties: false
              required: [treeSize, rootHash, timestamp, signature, publicKey]
              properties:
                treeSize: {$ref: '#/components/schemas/Count'}
                rootHash: {$ref: '#/components/schemas/Hash'}
                timestamp: {$ref: '#/components/schemas/Time'}
                signature: {type: string, pattern: '^[0-9a-f]{128}$'}
                publicKey: {type: string, pattern: '^[0-9a-f]{64}$'}
            AuditPublicKey:
              type: object
              additionalProperties: false
              required: [publicKey]
              properties:
                publicKey: {type: string, pattern: '^[0-9a-f]{64}$', description: The raw Ed25519 public key.}
            InclusionProof:
              type: object
              additionalProperties: false
              required: [position, treeSize, leafHash, rootHash, path]
              properties:
                position: {$ref: '#/components/schemas/Position'}
                treeSize: {type: integer, minimum: 1}
                leafHash: {$ref: '#/components/schemas/Hash'}
                rootHash: {$ref: '#/components/schemas/Hash'}
                path:
                  type: array
                  description: Sibling hashes from the leaf up to the root (at most 64).
                  maxItems: 64
                  items: {$ref: '#/components/schemas/Hash'}
            ConsistencyProof:
              type: object
              additionalProperties: false
              required: [from, to, fromRoot, toRoot, path]
              properties:
                from: {$ref: '#/components/schemas/Count'}
                to: {$ref: '#/components/schemas/Count'}
                fromRoot: {$ref: '#/components/schemas/Hash'}
                toRoot: {$ref: '#/components/schemas/Hash'}
                path:
                  type: array
                  description: The RFC's consistency path (empty when `from` is 0 or equals `to`).
                  maxItems: 128
                  items: {$ref: '#/components/schemas/Hash'}

            # ------------------------------------------------------------ command answers
            CommandResult:
              type: object
              description: What a command wrote; the ids it made or used, and `position` for `?minPosition=`.
              required: [position, events]
              properties:
                position: {$ref: '#/components/schemas/Position'}
                events: {type: integer, minimum: 1, description: Events written (or found already written).}
            WarehouseCommandResult:
              allOf: [{$ref: '#/components/schemas/CommandResult'}]
              required: [warehouseId]
              properties:
                warehouseId: {$ref: '#/components/schemas/AidID'}
                position: {}
                events: {}
              additionalProperties: false
            DonationCommandResult:
              allOf: [{$ref: '#/components/schemas/CommandResult'}]
              required: [donationId]
              properties:
                donationId: {$ref: '#/components/schemas/AidID'}
                position: {}
                events: {}
              additionalProperties: false
            ShipmentCommandResult:
              allOf: [{$ref: '#/components/schemas/CommandResult'}]
              required: [shipmentId]
              properties:
                shipmentId: {$ref: '#/components/schemas/AidID'}
                position: {}
                events: {}
              additionalProperties: false
            DistributionCommandResult:
              allOf: [{$ref: '#/components/schemas/CommandResult'}]
              required: [distributionId]
              properties:
                distributionId: {$ref: '#/components/schemas/AidID'}
                position: {}
                events: {}
              additionalProperties: false
            AdjustmentCommandResult:
              allOf: [{$ref: '#/components/schemas/CommandResult'}]
              required: [warehouseId, donationId]
              properties:
                warehouseId: {$ref: '#/components/schemas/AidID'}
                donationId: {$ref: '#/components/schemas/AidID'}
                position: {}
                events: {}
              additionalProperties: false
            SubmitApplicationResult:
              allOf: [{$ref: '#/components/schemas/CommandResult'}]
              required: [receiptNumber, pin]
              properties:
                receiptNumber: {$ref: '#/components/schemas/ReceiptNumber'}
                pin: {type: string, pattern: '^[0-9]{6}$', description: 'Shown this once; never stored in clear.'}
                position: {}
                events: {}
              additionalProperties: false
            ChangeStatusResult:
              allOf: [{$ref: '#/components/schemas/CommandResult'}]
              required: [receiptNumber]
              properties:
                receiptNumber: {$ref: '#/components/schemas/ReceiptNumber'}
                position: {}
                events: {}
              additionalProperties: false
            MarketCommandResult:
              allOf: [{$ref: '#/components/schemas/CommandResult'}]
              required: [marketId, eventId]
              properties:
                marketId: {$ref: '#/components/schemas/PricesID'}
                eventId: {$ref: '#/components/schemas/EventID'}
                position: {}
                events: {}
              additionalProperties: false
            CommodityCommandResult:
              allOf: [{$ref: '#/components/schemas/CommandResult'}]
              required: [commodityId, eventId]
              properties:
                commodityId: {$ref: '#/components/schemas/PricesID'}
                eventId: {$ref: '#/components/schemas/EventID'}
                position: {}
                events: {}
              additionalProperties: false
            PriceCommandResult:
              allOf: [{$ref: '#/components/schemas/CommandResult'}]
              required: [marketId, commodityId, eventId]
              properties:
                marketId: {$ref: '#/components/schemas/PricesID'}
                commodityId: {$ref: '#/components/schemas/PricesID'}
                eventId: {$ref: '#/components/schemas/EventID'}
                position: {}
                events: {}
              additionalProperties: false
            CorrectionCommandResult:
              allOf: [{$ref: '#/components/schemas/CommandResult'}]
              required: [marketId, correctsEventId, eventId]
              properties:
                marketId: {$ref: '#/components/schemas/PricesID'}
                correctsEventId: {$ref: '#/components/schemas/EventID'}
                eventId: {$ref: '#/components/schemas/EventID'}
                position: {}
                events: {}
              additionalProperties: false

            # ------------------------------------------------------------ aid: commands
            AidID:
              type: string
              description: 1-100 bytes of `[A-Za-z0-9._:-]`, not starting with `-`. Made ids look like `DN-2018-7K3QF2ZA`.
              pattern: '^[A-Za-z0-9._:][A-Za-z0-9._:-]{0,99}$'
            AidText:
              type: string
              description: Not blank, no control characters; the limit is in UTF-8 bytes.
              pattern: '^[^\x00-\x1F\x7F]*[^\s\x00-\x1F\x7F][^\x00-\x1F\x7F]*$'
            AidTime:
              description: RFC 3339 with a time (`2018-08-06T10:00:00+08:00`), between 1970 and 9999, at most 40 characters; null or absent means now.
              oneOf:
                - type: string
                  format: date-time
                  maxLength: 40
                  pattern: '^(19[7-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$'
                - {type: 'null'}
            Quantity:
              type: integer
              minimum: 1
              maximum: 9007199254740991
            KelurahanCode:
              type: string
              description: A Kepmendagri code of a kelurahan of Kota Mataram, e.g. `52.71.01.1004` (another code is a 422).
              maxLength: 20
              allOf: [{$ref: '#/components/schemas/AidText'}]
            ItemQuantity:
              type: object
              additionalProperties: false
              required: [item, unit, quantity]
              properties:
                item: {allOf: [{$ref: '#/components/schemas/AidText'}], maxLength: 100}
                unit: {allOf: [{$ref: '#/components/schemas/AidText'}], maxLength: 30}
                quantity: {$ref: '#/components/schemas/Quantity'}
            LotQuantity:
              type: object
              additionalProperties: false
              required: [donationId, quantity]
              properties:
                donationId: {$ref: '#/components/schemas/AidID'}
                quantity: {$ref: '#/components/schemas/Quantity'}
            RequestedLine:
              type: object
              additionalProperties: false
              required: [item, unit, quantity]
              properties:
                item: {allOf: [{$ref: '#/components/schemas/AidText'}], maxLength: 100}
                unit: {allOf: [{$ref: '#/components/schemas/AidText'}], maxLength: 30}
                quantity: {$ref: '#/components/schemas/Quantity'}
                lots:
                  description: The lots to take from (their quantities sum to `quantity`, each lot once); absent or null takes them first-in-first-out.
                  oneOf:
                    - type: array
                      minItems: 1
                      maxItems: 500
                      items: {$ref: '#/components/schemas/LotQuantity'}
                    - type: 'null'
            ReceivedLine:
              type: object
              additionalProperties: false
              required: [item, unit, donationId, quantity]
              properties:
                item: {allOf: [{$ref: '#/components/schemas/AidText'}], maxLength: 100}
                unit: {allOf: [{$ref: '#/components/schemas/AidText'}], maxLength: 30}
                donationId: {$ref: '#/components/schemas/AidID'}
                quantity: {$ref: '#/components/schemas/Quantity'}
            RegisterWarehouse:
              type: object
              additionalProperties: false
              required: [name, kind, kelurahanCode]
              properties:
                warehouseId:
                  description: Made (`WH-<year>-<8 characters>`) when absent or null.
                  oneOf: [{$ref: '#/components/schemas/AidID'}, {type: 'null'}]
                name: {allOf: [{$ref: '#/components/schemas/AidText'}], maxLength: 200}
                kind: {type: string, enum: [gudang, posko]}
                kelurahanCode: {$ref: '#/components/schemas/KelurahanCode'}
                registeredAt: {$ref: '#/components/schemas/AidTime'}
            ReceiveDonation:
              type: object
              additionalProperties: false
              required: [warehouseId, donor, items]
              properties:
                donationId:
                  description: Made (`DN-<year>-<8 characters>`) when absent or null.
                  oneOf: [{$ref: '#/components/schemas/AidID'}, {type: 'null'}]
                warehouseId: {$ref: '#/components/schemas/AidID'}
                donor:
                  type: object
                  additionalProperties: false
                  required: [name, kind]
                  properties:
                    name: {allOf: [{$ref: '#/components/schemas/AidText'}], maxLength: 200}
                    kind: {allOf: [{$ref: '#/components/schemas/AidText'}], maxLength: 50, description: 'Free text: government, state-company, ngo, ...'}
                items:
                  type: array
                  minItems: 1
                  maxItems: 500
                  description: Each (item, unit) once.
                  items: {$ref: '#/components/schemas/ItemQuantity'}
                receivedAt: {$ref: '#/components/schemas/AidTime'}
            DispatchShipment:
              type: object
              additionalProperties: false
              required: [fromWarehouseId, toWarehouseId, lines, vehicle, driver]
              properties:
                shipmentId:
                  description: Made (`SH-<year>-<8 characters>`) when absent or null.
                  oneOf: [{$ref: '#/components/schemas/AidID'}, {type: 'null'}]
                fromWarehouseId: {$ref: '#/components/schemas/AidID'}
                toWarehouseId: {$ref: '#/components/schemas/AidID'}
                lines:
                  type: array
                  description: Each (item, unit) once.
                  minItems: 1
                  maxItems: 500
                  items: {$ref: '#/components/schemas/RequestedLine'}
                vehicle: {allOf: [{$ref: '#/components/schemas/AidText'}], maxLength: 200}
                driver: {allOf: [{$ref: '#/components/schemas/AidText'}], maxLength: 200}
                dispatchedAt: {$ref: '#/components/schemas/AidTime'}
            ReceiveShipment:
              type: object
              additionalProperties: false
              properties:
                shipmentId:
                  description: Ignored; the path's shipment id is used.
                lines:
                  description: What arrived, per lot, each (item, unit, donationId) once (a lot that did not arrive is left out); absent or null receives everything dispatched.
                  oneOf:
                    - type: array
                      maxItems: 2000
                      items: {$ref: '#/components/schemas/ReceivedLine'}
                    - type: 'null'
                receivedAt: {$ref: '#/components/schemas/AidTime'}
                notes:
                  oneOf:
                    - type: string
                      maxLength: 1000
                      pattern: '^[^\x00-\x1F\x7F]*$'
                    - type: 'null'
            DistributeAid:
              type: object
              additionalProperties: false
              required: [warehouseId, kelurahanCode, lines, households, people]
              properties:
                distributionId:
                  description: Made (`DS-<year>-<8 characters>`) when absent or null.
                  oneOf: [{$ref: '#/components/schemas/AidID'}, {type: 'null'}]
                warehouseId: {$ref: '#/components/schemas/AidID'}
                kelurahanCode: {$ref: '#/components/schemas/KelurahanCode'}
                lines:
                  type: array
                  description: Each (item, unit) once.
                  minItems: 1
                  maxItems: 500
                  items: {$ref: '#/components/schemas/RequestedLine'}
                households: {$ref: '#/components/schemas/Quantity'}
                people: {allOf: [{$ref: '#/components/schemas/Quantity'}], description: At least `households` (else 422).}
                distributedAt: {$ref: '#/components/schemas/AidTime'}
            AdjustStock:
              type: object
              additionalProperties: false
              required: [warehouseId, item, unit, donationId, quantity, reason]
              properties:
                warehouseId: {$ref: '#/components/schemas/AidID'}
                item: {allOf: [{$ref: '#/components/schemas/AidText'}], maxLength: 100}
                unit: {allOf: [{$ref: '#/components/schemas/AidText'}], maxLength: 30}
                donationId: {$ref: '#/components/schemas/AidID'}
                quantity:
                  type: integer
                  description: Signed, not 0; negative takes stock out (never below zero, else 422).
                  minimum: -9007199254740991
                  maximum: 9007199254740991
                  not: {const: 0}
                reason: {allOf: [{$ref: '#/components/schemas/AidText'}], maxLength: 1000}
                adjustedAt: {$ref: '#/components/schemas/AidTime'}

            # ------------------------------------------------------------ aid: views
            Warehouse:
              type: object
              additionalProperties: false
              required: [warehouseId, name, kind, kelurahanCode, kelurahanName, kecamatanName]
              properties:
                warehouseId: {type: string}
                name: {type: string}
                kind: {type: string, enum: [gudang, posko]}
                kelurahanCode: {type: string}
                kelurahanName: {type: string}
                kecamatanName: {type: string}
            StockReport:
              type: object
              additionalProperties: false
              required: [warehouses, totals]
              properties:
                warehouses:
                  type: array
                  items:
                    type: object
                    additionalProperties: false
                    required: [warehouse, items]
                    properties:
                      warehouse: {$ref: '#/components/schemas/Warehouse'}
                      items:
                        type: array
                        items:
                          type: object
                          additionalProperties: false
                          required: [item, unit, onHand, inTransit, lots]
                          properties:
                            item: {type: string}
                            unit: {type: string}
                            onHand: {type: integer}
                            inTransit: {type: integer}
                            lots:
                              type: array
                              items:
                                type: object
                                additionalProperties: false
                                required: [donationId, onHand, inTransit]
                                properties:
                                  donationId: {type: string}
                                  onHand: {type: integer}
                                  inTransit: {type: integer}
                totals:
                  type: array
                  description: Per item, over the warehouses listed.
                  items:
                    type: object
                    additionalProperties: false
                    required: [item, unit, onHand, inTransit, warehouses]
                    properties:
                      item: {type: string}
                      unit: {type: string}
                      onHand: {type: integer}
                      inTransit: {type: integer}
                      warehouses: {type: integer, minimum: 0}
            KelurahanItem:
              type: object
              additionalProperties: false
              required: [item, unit, received, distributed]
              properties:
                item: {type: string}
                unit: {type: string}
                received: {type: integer}
                distributed: {type: integer}
            Kelurahan:
              type: object
              additionalProperties: false
              required: [code, name, kecamatanCode, kecamatanName, posko, shipmentsReceived, donationsReceived, distributions, households, people, items]
              properties:
                code: {type: string}
                name: {type: string}
                kecamatanCode: {type: string}
                kecamatanName: {type: string}
                posko:
                  type: array
                  description: The posko registered in this kelurahan.
                  items: {type: string}
                shipmentsReceived: {$ref: '#/components/schemas/Count'}
                donationsReceived: {$ref: '#/components/schemas/Count'}
                distributions: {$ref: '#/components/schemas/Count'}
                households: {$ref: '#/components/schemas/Count'}
                people: {$ref: '#/components/schemas/Count'}
                items:
                  type: array
                  items: {$ref: '#/components/schemas/KelurahanItem'}
            KelurahanReport:
              type: object
              additionalProperties: false
              required: [kelurahan, totals]
              properties:
                kelurahan:
                  type: array
                  items: {$ref: '#/components/schemas/Kelurahan'}
                totals:
                  type: object
                  additionalProperties: false
                  required: [kelurahanServed, shipmentsReceived, donationsReceived, distributions, households, people, items]
                  properties:
                    kelurahanServed: {$ref: '#/components/schemas/Count'}
                    shipmentsReceived: {$ref: '#/components/schemas/Count'}
                    donationsReceived: {$ref: '#/components/schemas/Count'}
                    distributions: {$ref: '#/components/schemas/Count'}
                    households: {$ref: '#/components/schemas/Count'}
                    people: {$ref: '#/components/schemas/Count'}
                    items:
                      type: array
                      items: {$ref: '#/components/schemas/KelurahanItem'}
            DonorItem:
              type: object
              additionalProperties: false
              required: [item, unit, donated, distributed]
              properties:
                item: {type: string}
                unit: {type: string}
                donated: {type: integer}
                distributed: {type: integer}
            Donor:
              type: object
              additionalProperties: false
              required: [name, kind, donations, firstReceivedAt, lastReceivedAt, items]
              properties:
                name: {type: string}
                kind: {type: string, description: As given with the latest donation.}
                donations: {$ref: '#/components/schemas/Count'}
                firstReceivedAt: {type: string}
                lastReceivedAt: {type: string}
                items:
                  type: array
                  items: {$ref: '#/components/schemas/DonorItem'}
                donationList:
                  type: array
                  description: Every donation in log order; only when one donor is asked for.
                  items:
                    type: object
                    additionalProperties: false
                    required: [donationId, warehouseId, receivedAt, items]
                    properties:
                      donationId: {type: string}
                      warehouseId: {type: string}
                      receivedAt: {type: string}
                      items:
                        type: array
                        items: {$ref: '#/components/schemas/ItemQuantity'}
            DonorReport:
              type: object
              additionalProperties: false
              required: [donors]
              properties:
                donors:
                  type: array
                  items: {$ref: '#/components/schemas/Donor'}
            DonationTrace:
              type: object
              additionalProperties: false
              required: [donation, steps, balance]
              properties:
                donation:
                  type: object
                  additionalProperties: false
                  required: [donationId, warehouseId, warehouseName, donor, items, receivedAt, position, eventId]
                  properties:
                    donationId: {type: string}
                    warehouseId: {type: string}
                    warehouseName: {type: string}
                    donor:
                      type: object
                      additionalProperties: false
                      required: [name, kind]
                      properties:
                        name: {type: string}
                        kind: {type: string}
                    items:
                      type: array
                      items: {$ref: '#/components/schemas/ItemQuantity'}
                    receivedAt: {type: string}
                    position: {$ref: '#/components/schemas/Position'}
                    eventId: {type: string}
                steps:
                  type: array
                  description: Every movement of the lot, in log order.
                  items:
                    type: object
                    additionalProperties: false
                    required: [position, eventId, type, occurredAt, kind, item, unit, quantity, warehouseId, warehouseName]
                    properties:
                      position: {$ref: '#/components/schemas/Position'}
                      eventId: {type: string}
                      type: {type: string}
                      occurredAt: {type: string}
                      kind: {type: string, enum: [donated, dispatched, received, lost-in-transit, distributed, adjusted]}
                      item: {type: string}
                      unit: {type: string}
                      quantity: {type: integer, description: 'Positive, except for `adjusted` (signed).'}
                      warehouseId: {type: string}
                      warehouseName: {type: string}
                      toWarehouseId: {type: string}
                      toWarehouseName: {type: string}
                      shipmentId: {type: string}
                      distributionId: {type: string}
                      kelurahanCode: {type: string}
                      kelurahanName: {type: string}
                      households: {type: integer}
                      people: {type: integer}
                      vehicle: {type: string}
                      driver: {type: string}
                      reason: {type: string}
                      notes: {type: string}
                balance:
                  type: object
                  additionalProperties: false
                  required: [identity, holds, items]
                  properties:
                    identity: {type: string, const: 'donated = onHand + inTransit + distributed + lost + adjusted'}
                    holds: {type: boolean}
                    items:
                      type: array
                      items:
                        type: object
                        additionalProperties: false
                        required: [item, unit, donated, onHand, onHandByWarehouse, inTransit, distributed, lost, adjusted, accountedFor, holds]
                        properties:
                          item: {type: string}
                          unit: {type: string}
                          donated: {type: integer}
                          onHand: {type: integer}
                          onHandByWarehouse:
                            type: array
                            items:
                              type: object
                              additionalProperties: false
                              required: [warehouseId, warehouseName, quantity]
                              properties:
                                warehouseId: {type: string}
                                warehouseName: {type: string}
                                quantity: {type: integer}
                          inTransit: {type: integer}
                          distributed: {type: integer}
                          lost: {type: integer}
                          adjusted: {type: integer}
                          accountedFor: {type: integer}
                          holds: {type: boolean}

            # ------------------------------------------------------------ documents
            ReceiptNumber:
              type: string
              pattern: '^MTR-[0-9A-HJKMNP-TV-Z]{10}$'
            DocumentType:
              type: string
              enum: [ktp-el, kk, akta-kelahiran, akta-kematian, kia, surat-pindah]
            ApplicationStatus:
              type: string
              enum: [submitted, verified, revision-requested, rejected, in-process, signed, ready, collected]
            OfficeID:
              type: string
              enum: [dukcapil-mataram, mpp-mataram, kec-ampenan, kec-mataram, kec-cakranegara, kec-sekarbela, kec-selaparang, kec-sandubaya]
            DocumentText:
              type: string
              description: Not blank; the limit is in characters.
              pattern: '\S'
            DocumentTime:
              description: RFC 3339 (or a day); not more than 5 minutes in the future. Null or absent means now.
              oneOf:
                - type: string
                  anyOf:
                    - format: date-time
                    - format: date
                - type: 'null'
            SubmitApplication:
              type: object
              additionalProperties: false
              required: [documentType, office, channel, applicant]
              properties:
                documentType: {$ref: '#/components/schemas/DocumentType'}
                office: {$ref: '#/components/schemas/OfficeID'}
                channel: {type: string, enum: [online, counter]}
                applicant:
                  type: object
                  additionalProperties: false
                  required: [nik]
                  properties:
                    nik:
                      type: string
                      description: The applicant's NIK, 16 digits; stored only as a keyed hash.
                      pattern: '^[0-9]{16}$'
                submittedAt: {$ref: '#/components/schemas/DocumentTime'}
            ChangeStatus:
              type: object
              additionalProperties: false
              required: [to, officer]
              properties:
                receiptNumber:
                  description: Ignored; the path's receipt number is used.
                from:
                  description: When given, must be the current status (else 422).
                  oneOf: [{$ref: '#/components/schemas/ApplicationStatus'}, {type: 'null'}]
                to: {$ref: '#/components/schemas/ApplicationStatus'}
                reason:
                  description: Required (422) when `to` is `revision-requested` or `rejected`.
                  oneOf:
                    - {allOf: [{$ref: '#/components/schemas/DocumentText'}], maxLength: 500}
                    - {type: 'null'}
                officer: {allOf: [{$ref: '#/components/schemas/DocumentText'}], maxLength: 100}
                changedAt: {$ref: '#/components/schemas/DocumentTime'}
            PublicApplication:
              type: object
              additionalProperties: false
              description: What a resident sees; no personal data.
              required: [receiptNumber, documentType, office, officeName, channel, status, submittedAt, updatedAt, timeline]
              properties:
                receiptNumber: {$ref: '#/components/schemas/ReceiptNumber'}
                documentType: {$ref: '#/components/schemas/DocumentType'}
                office: {type: string}
                officeName: {type: string}
                channel: {type: string, enum: [online, counter]}
                status: {$ref: '#/components/schemas/ApplicationStatus'}
                submittedAt: {$ref: '#/components/schemas/Time'}
                updatedAt: {$ref: '#/components/schemas/Time'}
                timeline:
                  type: array
                  items:
                    type: object
                    additionalProperties: false
                    required: [status, at]
                    properties:
                      status: {$ref: '#/components/schemas/ApplicationStatus'}
                      at: {$ref: '#/components/schemas/Time'}
                      reason: {type: string}
            QueueSummary:
              type: object
              additionalProperties: false
              required: [offices]
              properties:
                offices:
                  type: array
                  items:
                    type: object
                    additionalProperties: false
                    required: [office, officeName, counts, open]
                    properties:
                      office: {type: string}
                      officeName: {type: string}
                      counts:
                        type: object
                        description: Status -> applications in it (statuses with none left out).
                        additionalProperties: {type: integer, minimum: 0}
                      open: {$ref: '#/components/schemas/Count'}
            OfficeQueue:
              type: object
              additionalProperties: false
              required: [office, officeName, asOf, statuses, open]
              properties:
                office: {$ref: '#/components/schemas/OfficeID'}
                officeName: {type: string}
                asOf: {$ref: '#/components/schemas/Time'}
                statuses:
                  type: array
                  items:
                    type: object
                    additionalProperties: false
                    required: [status, count, applications, truncated]
                    properties:
                      status: {$ref: '#/components/schemas/ApplicationStatus'}
                      count: {$ref: '#/components/schemas/Count'}
                      applications:
                        type: array
                        items:
                          type: object
                          additionalProperties: false
                          required: [receiptNumber, documentType, submittedAt, ageDays, daysInStatus, overSLA]
                          properties:
                            receiptNumber: {$ref: '#/components/schemas/ReceiptNumber'}
                            documentType: {$ref: '#/components/schemas/DocumentType'}
                            submittedAt: {type: string}
                            ageDays: {$ref: '#/components/schemas/Count'}
                            daysInStatus: {$ref: '#/components/schemas/Count'}
                            overSLA: {type: boolean}
                      truncated: {type: boolean}
                open: {$ref: '#/components/schemas/Count'}
            ProcessingReport:
              type: object
              additionalProperties: false
              required: [types]
              properties:
                types:
                  type: array
                  items:
                    type: object
                    additionalProperties: false
                    required: [documentType, count, overSLA]
                    properties:
                      documentType: {$ref: '#/components/schemas/DocumentType'}
                      count: {$ref: '#/components/schemas/Count'}
                      medianDays: {type: number, description: Absent when `count` is 0.}
                      p90Days: {type: number, description: Absent when `count` is 0.}
                      slaDays: {type: integer, description: Absent when the SLA table has none for this type.}
                      overSLA: {$ref: '#/components/schemas/Count'}
                      overSLAShare: {type: number, minimum: 0, maximum: 1, description: Absent when `count` is 0.}

            # ------------------------------------------------------------ prices
            PricesID:
              type: string
              description: 1-100 bytes of `[A-Za-z0-9._:-]`, not starting with `-`.
              pattern: '^[A-Za-z0-9._:][A-Za-z0-9._:-]{0,99}$'
            PricesText:
              type: string
              description: Not blank, no control characters, at most 200 UTF-8 bytes.
              pattern: '^[^\x00-\x1F\x7F]*[^\s\x00-\x1F\x7F][^\x00-\x1F\x7F]*$'
            OptionalPricesText:
              oneOf: [{$ref: '#/components/schemas/PricesText'}, {type: 'null'}]
            PriceAmount:
              type: number
              description: A decimal with at most 4 fraction digits (not said with `multipleOf`, which is inexact in binary floating point), at most 10^12 in magnitude; a report's price must be greater than 0 (else 422).
              minimum: -99999999999
              maximum: 99999999999
            PriceType:
              type: string
              enum: [retail, wholesale]
            RegisterMarket:
              type: object
              additionalProperties: false
              required: [name, kind]
              properties:
                marketId:
                  description: Made from the name (`pasar-kebon-roek`, then `-2`, ...) when absent or null.
                  oneOf: [{$ref: '#/components/schemas/PricesID'}, {type: 'null'}]
                name: {$ref: '#/components/schemas/PricesText'}
                kind: {type: string, enum: [traditional, modern, wholesale]}
                kelurahanCode:
                  description: A kelurahan of Kota Mataram (else 422); leave it out for a market elsewhere.
                  $ref: '#/components/schemas/OptionalPricesText'
                latitude:
                  oneOf:
                    - {type: number, minimum: -90, maximum: 90, description: 'At most 4 fraction digits (JSON Schema cannot say it exactly: multipleOf is inexact in binary floating point).'}
                    - {type: 'null'}
                longitude:
                  oneOf:
                    - {type: number, minimum: -180, maximum: 180, description: 'At most 4 fraction digits.'}
                    - {type: 'null'}
                admin1: {$ref: '#/components/schemas/OptionalPricesText'}
                admin2: {$ref: '#/components/schemas/OptionalPricesText'}
                country:
                  description: ISO 3166-1 alpha-3.
                  oneOf:
                    - {type: string, pattern: '^[A-Z]{3}$'}
                    - {type: 'null'}
            RegisterCommodity:
              type: object
              additionalProperties: false
              required: [name, category, unit]
              properties:
                commodityId:
                  description: Made from the name when absent or null.
                  oneOf: [{$ref: '#/components/schemas/PricesID'}, {type: 'null'}]
                name: {$ref: '#/components/schemas/PricesText'}
                category: {$ref: '#/components/schemas/PricesText'}
                unit: {$ref: '#/components/schemas/PricesText'}
            ReportPrice:
              type: object
              additionalProperties: false
              required: [marketId, commodityId, price, reporter]
              properties:
                eventId:
                  description: The client's event id, for idempotent retries.
                  oneOf: [{$ref: '#/components/schemas/EventID'}, {type: 'null'}]
                marketId: {$ref: '#/components/schemas/PricesID'}
                commodityId: {$ref: '#/components/schemas/PricesID'}
                unit:
                  description: Default the commodity's unit.
                  $ref: '#/components/schemas/OptionalPricesText'
                price: {$ref: '#/components/schemas/PriceAmount'}
                currency:
                  description: ISO 4217, default IDR.
                  oneOf:
                    - {type: string, pattern: '^[A-Z]{3}$'}
                    - {type: 'null'}
                priceType:
                  description: Default retail.
                  oneOf: [{$ref: '#/components/schemas/PriceType'}, {type: 'null'}]
                observedOn:
                  description: Default today in Mataram (WITA, UTC+8).
                  oneOf: [{$ref: '#/components/schemas/CivilDate'}, {type: 'null'}]
                reporter: {$ref: '#/components/schemas/PricesText'}
                source:
                  description: Default `api`.
                  $ref: '#/components/schemas/OptionalPricesText'
            CorrectPrice:
              type: object
              additionalProperties: false
              required: [correctsEventId, price, reason]
              properties:
                eventId:
                  oneOf: [{$ref: '#/components/schemas/EventID'}, {type: 'null'}]
                correctsEventId: {$ref: '#/components/schemas/EventID'}
                marketId:
                  description: When given, must be the corrected report's market (else 422).
                  oneOf: [{$ref: '#/components/schemas/PricesID'}, {type: 'null'}]
                price: {$ref: '#/components/schemas/PriceAmount'}
                reason:
                  type: string
                  description: Not blank, no control characters, at most 2000 UTF-8 bytes.
                  pattern: '^[^\x00-\x1F\x7F]*[^\s\x00-\x1F\x7F][^\x00-\x1F\x7F]*$'
            Market:
              type: object
              additionalProperties: false
              required: [marketId, name, kind]
              properties:
                marketId: {type: string}
                name: {type: string}
                kind: {type: string, enum: [traditional, modern, wholesale]}
                kelurahanCode: {type: string}
                latitude: {type: number}
                longitude: {type: number}
                admin1: {type: string}
                admin2: {type: string}
                country: {type: string}
            Commodity:
              type: object
              additionalProperties: false
              required: [commodityId, name, category, unit]
              properties:
                commodityId: {type: string}
                name: {type: string}
                category: {type: string}
                unit: {type: string}
            LatestPrice:
              type: object
              additionalProperties: false
              required: [marketId, commodityId, priceType, price, currency, unit, observedOn, reporter, source, eventId, position]
              properties:
                marketId: {type: string}
                marketName: {type: string}
                commodityId: {type: string}
                commodityName: {type: string}
                priceType: {$ref: '#/components/schemas/PriceType'}
                price: {type: number}
                currency: {type: string}
                unit: {type: string}
                observedOn: {$ref: '#/components/schemas/CivilDate'}
                reporter: {type: string}
                source: {type: string}
                eventId: {type: string, description: The event id of the report.}
                position: {$ref: '#/components/schemas/Position'}
                correction:
                  type: object
                  description: Present when a correction replaced the reported price.
                  additionalProperties: false
                  required: [eventId, reportedPrice, reason]
                  properties:
                    eventId: {type: string}
                    reportedPrice: {type: number}
                    reason: {type: string}
            DailyStats:
              type: object
              additionalProperties: false
              required: [commodityId, priceType, currency, unit, date, min, max, mean, median, count, markets]
              properties:
                commodityId: {type: string}
                priceType: {$ref: '#/components/schemas/PriceType'}
                currency: {type: string}
                unit: {type: string}
                date: {$ref: '#/components/schemas/CivilDate'}
                min: {type: number}
                max: {type: number}
                mean: {type: number}
                median: {type: number}
                count: {type: integer, minimum: 1}
                markets: {type: integer, minimum: 1}
            TrendSeries:
              type: object
              additionalProperties: false
              required: [commodityId, priceType, currency, unit, from, to, points]
              properties:
                commodityId: {type: string}
                priceType: {$ref: '#/components/schemas/PriceType'}
                currency: {type: string}
                unit: {type: string}
                from: {$ref: '#/components/schemas/CivilDate'}
                to: {$ref: '#/components/schemas/CivilDate'}
                points:
                  type: array
                  items:
                    type: object
                    additionalProperties: false
                    required: [date, median, min, max, count]
                    properties:
                      date: {$ref: '#/components/schemas/CivilDate'}
                      median: {type: number}
                      min: {type: number}
                      max: {type: number}
                      count: {type: integer, minimum: 1}
            PriceAlert:
              type: object
              additionalProperties: false
              required: [commodityId, priceType, currency, unit, day, median, baseline, risePercent, baselineDays, count]
              properties:
                commodityId: {type: string}
                commodityName: {type: string}
                priceType: {$ref: '#/components/schemas/PriceType'}
                currency: {type: string}
                unit: {type: string}
                day: {$ref: '#/components/schemas/CivilDate'}
                median: {type: number}
                baseline: {type: number}
                risePercent: {type: number}
                baselineDays: {type: integer, minimum: 1, maximum: 7}
                count: {type: integer, minimum: 1}
        """#
}
