import { describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../src/kafka/index.js';
import { KafkajsClient } from '../../src/kafka/kafkajs/kafkajs-client.js';
import { kafkajsConfig, parseBootstrapServers } from '../../src/kafka/kafkajs/client-config.js';

describe('kafkajs client configuration', () => {
  it('parses bootstrap.servers lists', () => {
    expect(parseBootstrapServers('127.0.0.1:19092')).toEqual(['127.0.0.1:19092']);
    expect(parseBootstrapServers(' kafka-1:9092, kafka-2:9092 ,')).toEqual(['kafka-1:9092', 'kafka-2:9092']);
    expect(parseBootstrapServers('[::1]:9092')).toEqual(['[::1]:9092']);
  });

  it('rejects addresses without a port, naming what it got', () => {
    expect(() => parseBootstrapServers('localhost')).toThrow("bootstrap.servers must be 'host:port[,host:port...]', but got: 'localhost'");
    expect(() => parseBootstrapServers('')).toThrow(/but got: ''/);
    expect(() => parseBootstrapServers('http://kafka:9092')).toThrow(/but got/);
  });

  it('defaults the client id and a quiet log level', () => {
    const config = kafkajsConfig({ bootstrapServers: 'k:9092' });
    expect(config.clientId).toBe('kstreams');
    expect(config.logLevel).toBe(2);
    expect(kafkajsConfig({ bootstrapServers: 'k:9092', clientId: 'app', logLevel: 'nothing' })).toMatchObject({ clientId: 'app', logLevel: 0 });
  });
});

describe('createKafkaClient', () => {
  it('picks kafkajs for host:port addresses, without connecting', () => {
    expect(createKafkaClient({ bootstrapServers: '127.0.0.1:1' })).toBeInstanceOf(KafkajsClient);
  });

  it('picks the embedded backend for embedded://NAME and refuses a nameless one', () => {
    expect(createKafkaClient({ bootstrapServers: 'embedded://kafkajs-client-config-test' })).not.toBeInstanceOf(KafkajsClient);
    expect(() => createKafkaClient({ bootstrapServers: 'embedded://' })).toThrow(/embedded:\/\/NAME/);
  });
});
