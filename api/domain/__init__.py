"""What the endpoints do, apart from HTTP: each function takes `*, session` and friends."""
