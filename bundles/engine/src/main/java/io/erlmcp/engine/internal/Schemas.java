// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * JSON Schema validation (networknt json-schema-validator): 2020-12 by default, or the dialect a schema names in
 * {@code $schema}. Compiled schemas are immutable and thread-safe.
 */
final class Schemas {

    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.jsonMapper(Json.MAPPER));

    /** @throws IllegalArgumentException when the schema cannot be compiled */
    JsonSchema compile(JsonNode schema) {
        try {
            JsonSchema s = factory.getSchema(schema);
            s.initializeValidators();
            return s;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid JSON schema: " + e.getMessage(), e);
        }
    }

    /** @return the violations, empty when {@code value} is valid */
    static List<String> validate(JsonSchema schema, JsonNode value) {
        Set<ValidationMessage> errors = schema.validate(value);
        return errors.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.toList());
    }
}
