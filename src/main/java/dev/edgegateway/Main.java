package dev.edgegateway;

public final class Main {
  public static void main(String[] args) {
    System.out.println("edge-gateway");
  }
}
