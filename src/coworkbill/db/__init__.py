"""Storage: table metadata, column types and the async executor over raw drivers."""
