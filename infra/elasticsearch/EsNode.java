import org.apache.logging.log4j.LogManager;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.PluginsLoader;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one Elasticsearch node in the foreground: {@code java ... EsNode key=value ...}.
 *
 * <p>The distribution's own entry point (bootstrap.Elasticsearch) expects server-cli to send it serialized
 * arguments on stdin, refuses to run as root and installs a security manager whose policy is tied to the
 * distribution layout. This does what its three init phases do that a local node needs: settings and
 * environment, logging, loading the modules under home/modules (the real module layers, e.g. transport-netty4
 * for HTTP), then {@code new Node(...).start()}. Stopped by SIGTERM/SIGINT, which closes the node cleanly.
 */
public final class EsNode {
    private EsNode() {}

    public static void main(String[] args) throws Exception {
        LogConfigurator.registerErrorListener();
        Path home = Path.of(System.getProperty("es.path.home")).toAbsolutePath();
        Settings.Builder input = Settings.builder().put("path.home", home.toString());
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected key=value, got [" + arg + "]");
            }
            input.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        // Elasticsearch's own logging facade must be bound before anything (x-content loading) logs.
        LogConfigurator.configureESLogging();
        // Same merge as server-cli: config/elasticsearch.yml, then command-line settings on top.
        Environment env = InternalSettingsPreparer.prepareEnvironment(input.build(), Map.of(), home.resolve("config"), () -> "logwatch");

        LogConfigurator.setNodeName(Node.NODE_NAME_SETTING.get(env.settings()));
        LogConfigurator.configure(env, true);

        PluginsLoader plugins = PluginsLoader.createPluginsLoader(
            PluginsLoader.loadModulesBundles(env.modulesDir()),
            PluginsLoader.loadPluginsBundles(env.pluginsDir()),
            Map.of()
        );
        Node node = new Node(env, plugins);

        // Elasticsearch's threads are daemons: main waits here until the shutdown hook has closed the node.
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.prepareForClose();
                node.close();
                node.awaitClose(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LogManager.getLogger(EsNode.class).warn("error while closing the node", e);
            } finally {
                LogManager.shutdown(); // log4j's own hook is off (-Dlog4j.shutdownHookEnabled=false) so closing is logged
                closed.countDown();
            }
        }, "logwatch-es-shutdown"));

        node.start();
        LogManager.getLogger(EsNode.class).info("node started");
        closed.await();
    }
}
