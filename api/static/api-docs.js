// The API docs page (/api/docs): Swagger UI, vendored in /static/swagger-ui/, reading the
// served OpenAPI. A file, not an inline script: the page keeps the portal's strict policy.
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    // groups closed: opened all at once, its ~130 operations took the page many seconds
    docExpansion: "none",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis],
  });
});
