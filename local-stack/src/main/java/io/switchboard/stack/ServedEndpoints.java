package io.switchboard.stack;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.arc.Arc;
import io.restassured.response.ValidatableResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The HTTP endpoints a service under test really serves, outside Quarkus' own {@code /q/…}, as {@code "POST /path"}
 * (paths in OpenAPI's spelling, {@code {name}} for a parameter): the Vert.x routes with a path, as call-ingest's
 * {@code TwilioGate} adds them, and the Quarkus REST resource methods. A service's OpenAPI test compares them with
 * {@link #documented(String)}, so an endpoint served without a description in {@code /q/openapi} fails it: Vert.x
 * routes are invisible to smallrye-openapi's scan and must be described by hand. A service picks this bean up with
 * {@code %test.quarkus.index-dependency.local-stack.*}; its tests inject it, and assert with
 * {@link #assertDescribedIn(String, Map)} against {@link #openApi(String)}.
 */
@Singleton
public class ServedEndpoints {
    private static final Pattern VERTX_PARAMETER = Pattern.compile(":([A-Za-z0-9_]+)");
    private static final Pattern JAX_RS_PARAMETER = Pattern.compile("\\{\\s*([^}:\\s]+)\\s*(:[^}]*)?}");
    private static final String JAX_RS_PATH = "jakarta.ws.rs.Path";
    private static final String JAX_RS_HTTP_METHOD = "jakarta.ws.rs.HttpMethod";
    private static final Set<String> OPENAPI_METHODS = Set.of("get", "put", "post", "delete", "options", "head",
            "patch", "trace");

    private volatile Router router;

    void routerStarted(@Observes Router router) {
        this.router = router;
    }

    /**
     * What the service serves. A route that takes any method reads {@code "ANY /path"}, and one for a path prefix
     * {@code "GET /prefix/*"}: no OpenAPI document names them, so a test fails until they are split into described
     * endpoints.
     */
    public Set<String> served() {
        Set<String> served = new TreeSet<>();
        if (router == null) {
            throw new IllegalStateException("No Vert.x router was started: is local-stack indexed for the tests?");
        }
        for (Route route : router.getRoutes()) {
            String path = route.getPath();
            Set<HttpMethod> methods = route.methods();
            boolean anyMethod = methods == null || methods.isEmpty();
            if (path == null || isQuarkus(path) || (path.equals("/") && anyMethod)) {
                // A handler for every request: body limits, static files, Quarkus REST's dispatcher on "/" and "/*"
                // (its resources are listed below, from their annotations).
                continue;
            }
            String openApiPath = VERTX_PARAMETER.matcher(path).replaceAll("{$1}") + (route.isExactPath() ? "" : "*");
            if (anyMethod) {
                served.add("ANY " + openApiPath);
            } else {
                methods.forEach(method -> served.add(method.name() + " " + openApiPath));
            }
        }
        for (Bean<?> bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
            String resource = annotationValue(bean.getBeanClass(), JAX_RS_PATH);
            if (resource != null) {
                addResourceMethods(bean.getBeanClass(), resource, served);
            }
        }
        return served;
    }

    private static void addResourceMethods(Class<?> resource, String classPath, Set<String> served) {
        for (Method method : resource.getMethods()) {
            for (Annotation annotation : method.getAnnotations()) {
                String http = annotationValue(annotation.annotationType(), JAX_RS_HTTP_METHOD);
                if (http != null) {
                    String sub = annotationValue(method, JAX_RS_PATH);
                    served.add(http + " " + join(classPath, sub == null ? "" : sub));
                }
            }
        }
    }

    /**
     * The {@code value()} of {@code element}'s annotation of that type, or null. By name: call-ingest has no Quarkus
     * REST, and so no JAX-RS classes to load.
     */
    private static String annotationValue(AnnotatedElement element, String type) {
        for (Annotation annotation : element.getAnnotations()) {
            if (annotation.annotationType().getName().equals(type)) {
                try {
                    return (String) annotation.annotationType().getMethod("value").invoke(annotation);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(type + " has a value()", e);
                }
            }
        }
        return null;
    }

    private static String join(String classPath, String methodPath) {
        String path = ("/" + classPath + "/" + methodPath).replaceAll("/+", "/");
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return JAX_RS_PARAMETER.matcher(path).replaceAll("{$1}");
    }

    private static boolean isQuarkus(String path) {
        return path.equals("/q") || path.startsWith("/q/");
    }

    /**
     * Fails unless {@code openApiJson} describes every endpoint the service serves, and nothing else. {@code describedAs}
     * holds the endpoints a service serves otherwise than the document can say (served → described), each for a
     * reason its test states: each must be served, and is expected in the document as described.
     */
    public void assertDescribedIn(String openApiJson, Map<String, String> describedAs) {
        Set<String> expected = new TreeSet<>(served());
        describedAs.forEach((servedAs, described) -> {
            assertThat(expected.remove(servedAs)).as("%s is served", servedAs).isTrue();
            expected.add(described);
        });
        assertThat(documented(openApiJson)).as("what /q/openapi describes, against what is served").isEqualTo(expected);
    }

    /**
     * {@code /q/openapi?format=json} of the service under test (RestAssured, which {@code @QuarkusTest} points at it),
     * which must answer it.
     */
    public static String openApi() {
        return openApiAnswer().extract().asString();
    }

    /** {@link #openApi()}, which must carry {@code title}, the one the service's configuration gives it. */
    public static String openApi(String title) {
        return openApiAnswer().body("info.title", equalTo(title)).extract().asString();
    }

    private static ValidatableResponse openApiAnswer() {
        return given().queryParam("format", "json").get("/q/openapi").then().statusCode(200);
    }

    /** The operations {@code /q/openapi?format=json} describes, as {@code "POST /path"}. */
    public static Set<String> documented(String openApiJson) {
        JsonNode paths;
        try {
            paths = new ObjectMapper().readTree(openApiJson).path("paths");
        } catch (IOException e) {
            throw new UncheckedIOException("/q/openapi did not answer JSON", e);
        }
        Set<String> documented = new TreeSet<>();
        for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
            String path = it.next();
            paths.get(path).fieldNames().forEachRemaining(method -> {
                if (OPENAPI_METHODS.contains(method)) {
                    documented.add(method.toUpperCase(Locale.ROOT) + " " + path);
                }
            });
        }
        return documented;
    }
}
