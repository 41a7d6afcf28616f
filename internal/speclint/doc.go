// Package speclint checks openapi.yaml the way a compiler checks code: each
// problem is one line, at its file, line and column, with the ID of the
// rule it breaks.
//
// The rules, whose IDs never change meaning:
//
//	zc000  the document is valid OpenAPI 3: kin-openapi loads it, with its
//	       origins, and validates it, every check on (examples, patterns,
//	       defaults), collecting independent errors where it can
//	zc001  every operation has an operationId
//	zc002  every operation has a summary
//	zc003  every operation has a description
//	zc004  every media type of every response has an example or examples
//	zc005  every example matches its schema: those of media types,
//	       parameters, headers and schemas, named ones once for each place
//	       that uses them; one problem per failure, naming the example, the
//	       place inside its value and the reason (for a oneOf, those of the
//	       branch the value was meant for)
//	zc006  every pattern compiles in Go's RE2, and when it does not, why:
//	       RE2 has no lookaround, backreferences or possessive quantifiers
//	zc007  every error response uses the shared envelope: the JSON of each
//	       status that is not 2XX is $ref ErrorEnvelope, and the JSON of
//	       each 2XX has it as a oneOf branch, since business errors come
//	       on HTTP 200; content that is not JSON (a gateway's HTML page) is
//	       exempt
//	zc008  every entry of x-zilliz-error-codes has an integer code, a
//	       meaning and a source
//	zc009  no code repeats in x-zilliz-error-codes
//	zc010  servers lists every host of Config.Servers
//	zc011  no operation has a default response, which would hide the
//	       statuses it does not declare
//	zc012  every code of x-zilliz-error-codes has a sentinel in the client,
//	       as Config.HasSentinel says; a warning, not an error: the spec
//	       is right, and the client is behind it
//
// kin-openapi's own messages for a value that breaks a schema print the
// whole schema; here every problem is one line, and quotes places and
// reasons only.
//
// The package is a leaf: what it needs to know of the client comes in
// Config, so that it imports neither the client nor the generated code.
package speclint
