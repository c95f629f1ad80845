"""The derivative rules: the only place in retrograd that knows calculus."""
