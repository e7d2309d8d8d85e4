// Loaded before every test file: quiet logs; each test builds its own gateway in its own temp folder.
process.env.LOG_LEVEL ??= "error";
