package dev.edgegateway.logs;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * The gateway's one encoder, in the form {@code logback.xml} names: {@code json} ({@link JsonLineEncoder}) or
 * {@code text} (a pattern, its fields after the message through {@code %fields}). One appender per destination
 * whatever the form: logback warns at start-up about every appender defined and not used.
 */
public class LogLineEncoder extends EncoderBase<ILoggingEvent> {
  public static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%fields%n";

  private String format = LogFormat.JSON;
  private String pattern = TEXT_PATTERN;
  private Encoder<ILoggingEvent> delegate;

  /** {@code text}, or {@code json} for anything else. */
  public void setFormat(String format) {
    this.format = LogFormat.TEXT.equalsIgnoreCase(format == null ? "" : format.trim()) ? LogFormat.TEXT : LogFormat.JSON;
  }

  public String getFormat() {
    return format;
  }

  /** The layout of a {@code text} line. */
  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  @Override
  public void start() {
    if (LogFormat.TEXT.equals(format)) {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setContext(getContext());
      text.setPattern(pattern);
      delegate = text;
    } else {
      JsonLineEncoder json = new JsonLineEncoder();
      json.setContext(getContext());
      delegate = json;
    }
    delegate.start();
    super.start();
  }

  @Override
  public void stop() {
    if (delegate != null) {
      delegate.stop();
    }
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }
}
