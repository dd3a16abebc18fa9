package dev.raftboot.sample.web;

/** The request is malformed; answered 400 with the message as the problem's detail. */
public class BadRequestException extends RuntimeException {
  public BadRequestException(String message) {
    super(message);
  }

  public BadRequestException(String message, Throwable cause) {
    super(message, cause);
  }
}
