"""Activities: classes whose dependencies (session factory, mailer) the worker injects."""
