package io.spanloop.testkit;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/** Users and ACLs on a {@link KafkaTestCluster#startSecured secured} test cluster. */
public final class KafkaAcls {

    private KafkaAcls() {}

    /** Creates (or replaces) {@code user}'s SCRAM credential. */
    public static void createUser(Admin admin, String user, String password) {
        await(
                admin.alterUserScramCredentials(
                                List.of(
                                        new UserScramCredentialUpsertion(
                                                user,
                                                new ScramCredentialInfo(
                                                        ScramMechanism.SCRAM_SHA_256, 4096),
                                                password)))
                        .all());
    }

    public static void create(Admin admin, Collection<AclBinding> acls) {
        await(admin.createAcls(acls).all());
    }

    public static void delete(Admin admin, AclBinding acl) {
        await(admin.deleteAcls(List.of(acl.toFilter())).all());
    }

    /** Allows {@code user} {@code operation} on a resource, from any host. */
    public static AclBinding allow(
            String user,
            ResourceType type,
            String name,
            PatternType pattern,
            AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    /** The ACLs a Kafka Streams app with {@code applicationId} needs for itself (exactly-once). */
    public static List<AclBinding> streamsApp(String user, String applicationId) {
        return List.of(
                allow(
                        user,
                        ResourceType.GROUP,
                        applicationId,
                        PatternType.LITERAL,
                        AclOperation.READ),
                allow(
                        user,
                        ResourceType.TRANSACTIONAL_ID,
                        applicationId,
                        PatternType.PREFIXED,
                        AclOperation.WRITE),
                allow(
                        user,
                        ResourceType.TOPIC,
                        applicationId,
                        PatternType.PREFIXED,
                        AclOperation.ALL));
    }

    private static <T> void await(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("ACL or user change failed", e);
        }
    }
}
