package io.spanloop.answerer;

/**
 * JMX view of model reloads ({@code io.spanloop:type=ModelReloader,name=<application.id>}): which
 * version is served, how many versions were loaded or refused, and why the last was refused, how
 * many events were for other models or unreadable.
 */
public interface ModelReloaderMBean {

    long getServedVersion();

    long getLoadedVersions();

    long getRefusedVersions();

    /** Events for another model than the served one. */
    long getIgnoredEvents();

    /** Records of the model-versions topic that did not deserialise (skipped). */
    long getUnreadableEvents();

    String getLastRefusal();
}
