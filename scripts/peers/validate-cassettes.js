#!/usr/bin/env node
// validate-cassettes.js SPEC PATH...
//
// Validates every response recorded in the go-vcr cassettes at PATH (files,
// or directories walked for *.yaml and *.yml) against SPEC with
// openapi-response-validator, as a user of that library would: load the
// spec with js-yaml, build one validator per operation from its responses
// and the spec's components, find each recorded request's operation by its
// method and path template, parse the response body as JSON, when its
// Content-Type says it is, and validate it under its status code. It is the Node peer that scripts/bench-peers.sh
// times zcdrop conformance against; it needs openapi-response-validator and
// js-yaml on NODE_PATH or in node_modules.
//
// Prints one line: how many files and responses it read, how many it
// validated, how many were invalid, how many were not JSON and how many
// matched no operation.
// Exits 0 when every response was valid, 1 when one was not or matched no
// operation, 2 on bad usage or an unreadable file.
'use strict';

const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');
const OpenAPIResponseValidator = require('openapi-response-validator').default;

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// operations returns each operation of spec with a validator and a pattern
// that matches the paths of its template.
function operations(spec) {
  const ops = [];
  for (const [template, item] of Object.entries(spec.paths || {})) {
    const pattern = new RegExp('^' + template.split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+') + '$');
    for (const method of methods) {
      if (item[method]) {
        ops.push({
          method: method.toUpperCase(),
          pattern,
          validator: new OpenAPIResponseValidator({ responses: item[method].responses, components: spec.components }),
        });
      }
    }
  }
  return ops;
}

// cassettes lists the cassette files at p, a file or a directory, in
// lexical order.
function cassettes(p) {
  if (!fs.statSync(p).isDirectory()) {
    return [p];
  }
  return fs.readdirSync(p).sort().flatMap((name) => {
    const full = path.join(p, name);
    if (fs.statSync(full).isDirectory()) {
      return cassettes(full);
    }
    return /\.ya?ml$/i.test(name) ? [full] : [];
  });
}

function main(argv) {
  if (argv.length < 2) {
    console.error('usage: validate-cassettes.js SPEC PATH...');
    return 2;
  }
  const ops = operations(yaml.load(fs.readFileSync(argv[0], 'utf8')));
  const count = { files: 0, responses: 0, validated: 0, invalid: 0, notJSON: 0, unmatched: 0 };
  for (const file of argv.slice(1).flatMap(cassettes)) {
    count.files++;
    const cassette = yaml.load(fs.readFileSync(file, 'utf8'));
    for (const interaction of cassette.interactions || []) {
      count.responses++;
      const { request, response } = interaction;
      const pathname = new URL(request.url).pathname;
      const op = ops.find((o) => o.method === request.method && o.pattern.test(pathname));
      if (!op) {
        count.unmatched++;
        continue;
      }
      // The library validates JSON values: a body that its Content-Type
      // says is something else is left unvalidated, and one that claims
      // to be JSON but does not parse is invalid.
      const type = Object.entries(response.headers || {})
        .find(([name]) => name.toLowerCase() === 'content-type')?.[1]?.[0] || '';
      if (!/[/+]json\b/i.test(type)) {
        count.notJSON++;
        continue;
      }
      count.validated++;
      let body;
      try {
        body = JSON.parse(response.body);
      } catch {
        count.invalid++;
        continue;
      }
      if (op.validator.validateResponse(response.code, body)) {
        count.invalid++;
      }
    }
  }
  console.log(`read ${count.files} files, ${count.responses} responses: ${count.validated} validated, ` +
    `${count.invalid} invalid, ${count.notJSON} not JSON, ${count.unmatched} matched no operation`);
  return count.invalid || count.unmatched ? 1 : 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(`validate-cassettes.js: ${err.message}`);
  process.exitCode = 2;
}
