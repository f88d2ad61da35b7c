"""External SPARQL engines: what chava must know of each to read and publish a build there.

- `profiles`: each supported engine's dialect (blank-node ids, result caps, booleans, how it
  takes a dataset, how to cancel a query), and its detection at start-up;
- `auth`: read and write credentials (Basic, Digest, bearer tokens);
- `transport`: the bounded pool of connections to the engine (and its replicas), timeouts,
  the circuit breaker, and every failure classified (502 unreachable, 504 timed out);
- `answers`: replies read into pyoxigraph terms, cut answers detected, never taken as complete;
- `rewrite`: the query texts chava sends (the dataset, paging under a result cap).
"""
