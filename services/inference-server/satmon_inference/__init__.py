"""A CPU inference server speaking Triton's gRPC protocol over triton-repository/."""
