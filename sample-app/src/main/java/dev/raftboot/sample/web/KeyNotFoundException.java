package dev.raftboot.sample.web;

/** A read of a key that holds no value; answered 404. */
public class KeyNotFoundException extends RuntimeException {
  public KeyNotFoundException(String key) {
    super("no value for key '" + key + "'");
  }
}
