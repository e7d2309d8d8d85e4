// The one error that stops startup with a message for the operator (a bad variable, an unreadable secrets file).
export class ConfigError extends Error {
  override name = "ConfigError";
}
