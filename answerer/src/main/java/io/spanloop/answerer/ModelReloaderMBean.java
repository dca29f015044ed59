package io.spanloop.answerer;

/**
 * JMX view of model reloads ({@code io.spanloop:type=ModelReloader,name=<application.id>}): which
 * version is served, how many versions were loaded or refused, and why the last was refused.
 */
public interface ModelReloaderMBean {

    long getServedVersion();

    long getLoadedVersions();

    long getRefusedVersions();

    String getLastRefusal();
}
