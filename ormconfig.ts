import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config.js';
import { dataSourceOptions } from './src/data-source-options.js';

/** The TypeORM CLI's data source: the same options object the app uses (`npm run typeorm -- migration:show`). */
export default new DataSource(dataSourceOptions(loadConfig(process.env)));
