"""The S3 wire: routing, XML bodies, checksums and aws-chunked decoding. Pure: no storage, no I/O."""
